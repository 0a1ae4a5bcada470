package io.pledge.runner.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One container to run.
 *
 * @param name the container's name, for messages
 * @param command argv as the stage sees it (inside the sandbox; a name without a slash is looked up
 *     on the environment's {@code PATH} there)
 * @param rootfs the image's unpacked root filesystem, the stage's read-only {@code /}
 * @param env the complete environment, in order
 * @param workingDir the working directory inside the sandbox; {@code /} when null
 * @param folders the run's Kratix folders
 * @param network whether the stage may use the network
 * @param timeout wall-clock limit
 * @param uid the user id the stage runs as inside its user namespace
 * @param gid its group id
 * @param limits what it may use (memory, processes, /tmp, output)
 */
public record StageSpec(
    String name,
    List<String> command,
    Path rootfs,
    Map<String, String> env,
    String workingDir,
    RunFolders folders,
    boolean network,
    Duration timeout,
    int uid,
    int gid,
    StageLimits limits) {

  /** A stage with the default limits. */
  public StageSpec(
      String name,
      List<String> command,
      Path rootfs,
      Map<String, String> env,
      String workingDir,
      RunFolders folders,
      boolean network,
      Duration timeout,
      int uid,
      int gid) {
    this(
        name,
        command,
        rootfs,
        env,
        workingDir,
        folders,
        network,
        timeout,
        uid,
        gid,
        StageLimits.DEFAULTS);
  }

  public String workingDirOrRoot() {
    return workingDir == null || workingDir.isBlank() ? "/" : workingDir;
  }
}
