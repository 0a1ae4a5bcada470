package io.pledge.runner.sandbox;

import java.util.Locale;

/**
 * Tells, after a stage failed on its own, whether one of the kernel's per-process limits stopped
 * it. Those limits do not report themselves: a write past the file size limit gets {@code SIGXFSZ}
 * (or {@code EFBIG}), a full {@code /tmp} gets {@code ENOSPC}, an allocation past the data limit
 * gets {@code ENOMEM}; the stage then exits with that signal or prints the error. The only bounded
 * file system in the sandbox is {@code /tmp}, so {@code ENOSPC} there names it.
 */
final class LimitDiagnosis {

  /** 128 + SIGXFSZ (25): what a shell, and bwrap's init, report for a process that signal ended. */
  static final int EXIT_FILE_SIZE_SIGNAL = 128 + 25;

  private LimitDiagnosis() {}

  /**
   * The limit that explains the failure, in words, or null.
   *
   * @param exitCode the stage's exit code (not 0)
   * @param stderr the tail of its standard error
   */
  static String explain(StageLimits limits, int exitCode, String stderr) {
    String err = stderr == null ? "" : stderr.toLowerCase(Locale.ROOT);
    if (exitCode == EXIT_FILE_SIZE_SIGNAL || err.contains("file too large")) {
      return "wrote a file larger than the output limit "
          + limits.outputBytes().bytes()
          + " ("
          + limits.outputBytes().source()
          + "; no file may be larger, in /tmp either)";
    }
    if (err.contains("no space left on device")) {
      return "filled /tmp: /tmp is full ("
          + limits.tmp().bytes()
          + ", "
          + limits.tmp().source()
          + ")";
    }
    if (err.contains("cannot allocate memory")
        || err.contains("out of memory")
        || err.contains("memoryerror")
        || err.contains("outofmemoryerror")
        || err.contains("memory exhausted")) {
      return StageWatch.overMemory(limits.memory());
    }
    return null;
  }
}
