package io.pledge.runner.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the bubblewrap command line for one stage: the image's root filesystem read-only as {@code
 * /}, the three Kratix folders bound where Kratix mounts them, a private {@code /tmp}, {@code
 * /proc} and {@code /dev}, {@code /etc/hosts} and {@code /etc/resolv.conf} as a pod gets them,
 * every namespace unshared (the network too, unless the pipeline opted in), the image's user mapped
 * in a user namespace, all capabilities dropped; started under {@code prlimit} with the stage's
 * per-process limits (see {@link StageLimits}).
 */
final class BwrapCommand {

  private BwrapCommand() {}

  /**
   * The full argv: prlimit and its limits, bwrap, its options, then the stage's command.
   *
   * @param prlimit util-linux's prlimit, which sets the limits and runs bwrap under them
   * @param hosts the file seen as {@code /etc/hosts}
   * @param resolvConf the file seen as {@code /etc/resolv.conf}
   */
  static List<String> build(
      String prlimit, String bwrap, StageSpec spec, Path hosts, Path resolvConf) {
    List<String> argv = new ArrayList<>();
    StageLimits limits = spec.limits();
    argv.add(prlimit);
    // Data, not address space: runtimes (Go, the JVM) reserve far more address space than they use.
    argv.add("--data=" + limits.memory().value());
    // One byte past the output limit, so a file cut there is seen as over it, never as complete.
    argv.add("--fsize=" + (limits.outputBytes().value() + 1));
    argv.add("--");
    argv.add(bwrap);
    argv.addAll(List.of("--ro-bind", spec.rootfs().toString(), "/"));
    argv.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
    argv.addAll(List.of("--size", String.valueOf(limits.tmp().value()), "--tmpfs", "/tmp"));
    argv.addAll(List.of("--ro-bind", hosts.toString(), "/etc/hosts"));
    argv.addAll(List.of("--ro-bind", resolvConf.toString(), "/etc/resolv.conf"));
    argv.add("--unshare-all");
    if (spec.network()) {
      argv.add("--share-net");
    }
    argv.addAll(
        List.of(
            "--unshare-user",
            "--uid",
            String.valueOf(spec.uid()),
            "--gid",
            String.valueOf(spec.gid())));
    argv.addAll(List.of("--die-with-parent", "--new-session", "--cap-drop", "ALL"));
    argv.addAll(List.of("--ro-bind", spec.folders().input().toString(), RunFolders.INPUT));
    argv.addAll(List.of("--bind", spec.folders().output().toString(), RunFolders.OUTPUT));
    argv.addAll(List.of("--bind", spec.folders().metadata().toString(), RunFolders.METADATA));
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
