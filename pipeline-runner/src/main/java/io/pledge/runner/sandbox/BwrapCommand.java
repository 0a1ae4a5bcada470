package io.pledge.runner.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the bubblewrap command line for one stage. */
final class BwrapCommand {

  /** Host system folders a stage sees read-only (or as the same symlink, e.g. /bin -> usr/bin). */
  static final List<String> SYSTEM_PATHS =
      List.of("/usr", "/etc", "/lib", "/lib64", "/bin", "/sbin");

  /** Host secrets under /etc that a stage has no business reading. */
  static final List<String> MASKED_FILES =
      List.of("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-");

  static final List<String> MASKED_DIRS = List.of("/etc/ssh", "/etc/ssl/private", "/etc/sudoers.d");

  private BwrapCommand() {}

  /** The mounts of the host's system folders as they exist under {@code hostRoot}. */
  static List<String> systemMounts(Path hostRoot) {
    List<String> args = new ArrayList<>();
    for (String path : SYSTEM_PATHS) {
      Path host = hostRoot.resolve(path.substring(1));
      if (Files.isSymbolicLink(host)) {
        try {
          args.addAll(List.of("--symlink", Files.readSymbolicLink(host).toString(), path));
        } catch (IOException e) {
          // An unreadable link is as good as absent.
        }
      } else if (Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
        args.addAll(List.of("--ro-bind", host.toString(), path));
      }
    }
    for (String file : MASKED_FILES) {
      if (Files.exists(hostRoot.resolve(file.substring(1)), LinkOption.NOFOLLOW_LINKS)) {
        args.addAll(List.of("--ro-bind", "/dev/null", file));
      }
    }
    for (String dir : MASKED_DIRS) {
      if (Files.isDirectory(hostRoot.resolve(dir.substring(1)), LinkOption.NOFOLLOW_LINKS)) {
        args.addAll(List.of("--tmpfs", dir));
      }
    }
    return args;
  }

  /** The full argv: bwrap, its options, then the stage's command. */
  static List<String> build(String bwrap, List<String> systemMounts, StageSpec spec) {
    List<String> argv = new ArrayList<>();
    argv.add(bwrap);
    argv.addAll(systemMounts);
    argv.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
    argv.add("--unshare-all");
    if (spec.network()) {
      argv.add("--share-net");
    }
    argv.addAll(List.of("--die-with-parent", "--new-session", "--cap-drop", "ALL"));
    argv.addAll(List.of("--ro-bind", spec.folders().input().toString(), RunFolders.INPUT));
    argv.addAll(List.of("--bind", spec.folders().output().toString(), RunFolders.OUTPUT));
    argv.addAll(List.of("--bind", spec.folders().metadata().toString(), RunFolders.METADATA));
    if (spec.imageFolder() != null) {
      argv.addAll(List.of("--ro-bind", spec.imageFolder().toString(), StageSpec.IMAGE_MOUNT));
    }
    argv.add("--clearenv");
    for (Map.Entry<String, String> e : spec.env().entrySet()) {
      argv.addAll(List.of("--setenv", e.getKey(), e.getValue() == null ? "" : e.getValue()));
    }
    argv.addAll(List.of("--chdir", spec.workingDirOrRoot()));
    argv.add("--");
    argv.addAll(spec.command());
    return argv;
  }
}
