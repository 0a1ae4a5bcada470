package io.pledge.writer.git;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which program receives pushes to a repository on this machine.
 *
 * <p>JGit serves a push to a local path (or {@code file://} URL) inside the writer's own process,
 * and then runs the receiving repository's automatic GC there too, on a background thread. Measured
 * by {@code bench/run --profile}, that GC of the state store took two thirds of the writer's CPU:
 * every 50 pushes it repacks the whole repository. That work belongs to the Git server, as it does
 * for stores over ssh or HTTPS. So a local push goes to Git's own {@code git-receive-pack} in a
 * process of its own (which unpacks small pushes and collects garbage in the background, as any Git
 * server does), and only when Git is not installed does JGit receive it in process.
 */
final class LocalReceivePack {

  private static final Pattern SCP_LIKE = Pattern.compile("^[^/]+@[^/]+:.*");
  private static final Optional<String> PROGRAM = find(System.getenv("PATH"));

  private LocalReceivePack() {}

  /** The receive-pack program for pushes to {@code url}, when it is on this machine. */
  static Optional<String> forUrl(String url) {
    return isLocal(url) ? PROGRAM : Optional.empty();
  }

  static boolean isLocal(String url) {
    return url.startsWith("file:") || !(url.contains("://") || SCP_LIKE.matcher(url).matches());
  }

  /**
   * The absolute path of {@code git-receive-pack} on {@code path}. Absolute, because JGit keeps the
   * push in process when the program is named plainly {@code git-receive-pack}; without spaces,
   * because JGit starts it through a shell.
   */
  static Optional<String> find(String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "git-receive-pack").toAbsolutePath();
      if (Files.isExecutable(candidate) && !candidate.toString().contains(" ")) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }
}
