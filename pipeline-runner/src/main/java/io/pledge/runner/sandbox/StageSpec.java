package io.pledge.runner.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One container to run.
 *
 * @param name the container's name, for messages
 * @param command argv as the stage sees it (inside the sandbox)
 * @param imageFolder the host folder of the image, seen at {@code /pledge/image}; may be null
 * @param env the complete environment, in order
 * @param workingDir the working directory inside the sandbox; {@code /} when null
 * @param folders the run's Kratix folders
 * @param network whether the stage may use the network
 * @param timeout wall-clock limit
 */
public record StageSpec(
    String name,
    List<String> command,
    Path imageFolder,
    Map<String, String> env,
    String workingDir,
    RunFolders folders,
    boolean network,
    Duration timeout) {

  /** Where the image folder is seen inside the sandbox. */
  public static final String IMAGE_MOUNT = "/pledge/image";

  public String workingDirOrRoot() {
    return workingDir == null || workingDir.isBlank() ? "/" : workingDir;
  }
}
