package io.pledge.runner.sandbox;

/**
 * What one stage may use. Each limit names where it came from, so a stage that reaches it fails
 * with a reason the platform team can act on.
 *
 * @param memory bytes of memory (each process's data, and the sandbox's resident total)
 * @param pids processes in the sandbox at once
 * @param tmp bytes of the tmpfs at {@code /tmp}
 * @param outputBytes bytes in {@code /kratix/output} (and, apart, in {@code /kratix/metadata});
 *     also the largest file a stage can write anywhere
 * @param outputFiles files in each of those folders
 */
public record StageLimits(
    Limit memory, Limit pids, Limit tmp, Limit outputBytes, Limit outputFiles) {

  /** The configuration keys' defaults; for tests and tools that build stages by hand. */
  public static final StageLimits DEFAULTS =
      new StageLimits(
          new Limit(512L << 20, "pledge.runner.limits.memory"),
          new Limit(256, "pledge.runner.limits.pids"),
          new Limit(64L << 20, "pledge.runner.limits.tmp-size"),
          new Limit(10L << 20, "pledge.runner.max-output-bytes"),
          new Limit(1000, "pledge.runner.max-output-files"));

  /**
   * One limit.
   *
   * @param value bytes, or a count
   * @param source the configuration key or the Promise field that set it
   */
  public record Limit(long value, String source) {

    public Limit {
      if (value <= 0) {
        throw new IllegalArgumentException(source + " must be positive, not " + value);
      }
    }

    /**
     * The value as a Kubernetes quantity when it is a whole number of Ki, Mi, Gi..., else bytes.
     */
    public String bytes() {
      return formatBytes(value);
    }
  }

  public StageLimits withMemory(Limit memory) {
    return new StageLimits(memory, pids, tmp, outputBytes, outputFiles);
  }

  public StageLimits withTmp(Limit tmp) {
    return new StageLimits(memory, pids, tmp, outputBytes, outputFiles);
  }

  /** {@code 536870912} as {@code 512Mi}, {@code 1000} as {@code 1000}. */
  public static String formatBytes(long bytes) {
    String[] units = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    String unit = "";
    long value = bytes;
    for (int i = 0; i < units.length && value != 0 && value % 1024 == 0; i++) {
      value /= 1024;
      unit = units[i];
    }
    return value + unit;
  }
}
