package io.pledge.runner.sandbox;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;

/**
 * Looks at a running stage between the kernel's limits: the kernel bounds each process (data size,
 * file size) and {@code /tmp}, but not the sandbox as a whole when no cgroup is at hand. This watch
 * counts the sandbox's processes, adds up their resident memory and measures the output folders,
 * and names the first limit they passed, so that the stage is killed while it is still small.
 *
 * <p>Processes are counted here rather than with {@code RLIMIT_NPROC}: the kernel counts that limit
 * per user, and ignores it for root, so a stage mapped to the service's user would be counted with
 * the service's own threads, or not at all.
 */
final class StageWatch {

  private static final long PAGE = 4096;

  private final StageLimits limits;
  private final List<Path> outputs;

  StageWatch(StageLimits limits, RunFolders folders) {
    this.limits = limits;
    this.outputs = List.of(folders.output(), folders.metadata());
  }

  /**
   * The limit the stage went over, in words, or empty.
   *
   * @param sandbox the bwrap process; its descendants are the sandbox's init and the stage's
   *     processes
   */
  Optional<String> check(ProcessHandle sandbox) {
    List<ProcessHandle> inside = sandbox.descendants().toList();
    // bwrap's own init (pid 1 of the sandbox) is not the stage's.
    long processes = Math.max(0, inside.size() - 1);
    if (processes > limits.pids().value()) {
      return Optional.of(tooManyProcesses(limits.pids()));
    }
    long resident = 0;
    for (ProcessHandle p : inside) {
      resident += residentBytes(p.pid());
    }
    if (resident > limits.memory().value()) {
      return Optional.of(
          overMemory(limits.memory())
              + ": its processes held "
              + StageLimits.formatBytes(resident / (1 << 20) << 20));
    }
    return checkOutput();
  }

  /** The output limit the stage went over, in words, or empty; also once it has exited. */
  Optional<String> checkOutput() {
    for (int i = 0; i < outputs.size(); i++) {
      Optional<String> over =
          overOutput(outputs.get(i), i == 0 ? RunFolders.OUTPUT : RunFolders.METADATA);
      if (over.isPresent()) {
        return over;
      }
    }
    return Optional.empty();
  }

  static String tooManyProcesses(StageLimits.Limit pids) {
    return "ran too many processes (pids limit " + pids.value() + ", " + pids.source() + ")";
  }

  static String overMemory(StageLimits.Limit memory) {
    return "exceeded the memory limit " + memory.bytes() + " (" + memory.source() + ")";
  }

  private Optional<String> overOutput(Path dir, String mount) {
    long[] seen = new long[2]; // files, bytes
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile()) {
                seen[0]++;
                seen[1] += attrs.size();
              }
              return seen[0] > limits.outputFiles().value()
                      || seen[1] > limits.outputBytes().value()
                  ? FileVisitResult.TERMINATE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
              return FileVisitResult.CONTINUE; // removed while walked
            }
          });
    } catch (IOException e) {
      return Optional.empty(); // looked at again after the stage
    }
    if (seen[0] > limits.outputFiles().value()) {
      return Optional.of(
          "wrote more than "
              + limits.outputFiles().value()
              + " files to "
              + mount
              + " ("
              + limits.outputFiles().source()
              + ")");
    }
    if (seen[1] > limits.outputBytes().value()) {
      return Optional.of(outputExceeded(mount, limits.outputBytes()));
    }
    return Optional.empty();
  }

  static String outputExceeded(String mount, StageLimits.Limit bytes) {
    return "output exceeded "
        + bytes.bytes()
        + ": wrote more than that to "
        + mount
        + " ("
        + bytes.source()
        + ")";
  }

  /** Resident bytes of a process (second field of {@code /proc/<pid>/statm}); 0 once gone. */
  private static long residentBytes(long pid) {
    try {
      String[] fields = Files.readString(Path.of("/proc", Long.toString(pid), "statm")).split(" ");
      return Long.parseLong(fields[1].trim()) * PAGE;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
