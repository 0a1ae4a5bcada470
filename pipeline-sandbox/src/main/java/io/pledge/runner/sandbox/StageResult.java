package io.pledge.runner.sandbox;

import java.time.Duration;

/**
 * How a container ended.
 *
 * @param exitCode its exit code; null when it never started or was killed before exiting
 * @param timedOut whether it was killed at its time limit
 * @param cancelled whether it was killed because its run was superseded or the service stopped
 * @param stdout the tail of its standard output
 * @param stderr the tail of its standard error
 * @param truncated whether either stream was cut to the bound
 * @param elapsed how long it ran
 * @param startError why it could not start (e.g. bubblewrap missing); null when it started
 * @param limitExceeded which of its limits it went over, in words (e.g. {@code exceeded the memory
 *     limit 512Mi (pledge.runner.limits.memory)}); null when none or unknown
 */
public record StageResult(
    Integer exitCode,
    boolean timedOut,
    boolean cancelled,
    String stdout,
    String stderr,
    boolean truncated,
    Duration elapsed,
    String startError,
    String limitExceeded) {

  /** A result where no limit was found exceeded. */
  public StageResult(
      Integer exitCode,
      boolean timedOut,
      boolean cancelled,
      String stdout,
      String stderr,
      boolean truncated,
      Duration elapsed,
      String startError) {
    this(exitCode, timedOut, cancelled, stdout, stderr, truncated, elapsed, startError, null);
  }

  public static StageResult notStarted(String reason) {
    return new StageResult(null, false, false, "", "", false, Duration.ZERO, reason);
  }

  /** This result, failed for going over a limit. */
  public StageResult withLimitExceeded(String reason) {
    return new StageResult(
        exitCode, timedOut, cancelled, stdout, stderr, truncated, elapsed, startError, reason);
  }

  public boolean succeeded() {
    return startError == null
        && limitExceeded == null
        && !timedOut
        && !cancelled
        && exitCode != null
        && exitCode == 0;
  }

  /** Why it failed, in words; null when it succeeded. */
  public String failureReason(String container, Duration timeout) {
    if (startError != null) {
      return startError;
    }
    if (limitExceeded != null) {
      return "container " + container + " " + limitExceeded;
    }
    if (timedOut) {
      return "container " + container + " timed out after " + timeout.toSeconds() + "s";
    }
    if (cancelled) {
      return "container " + container + " was stopped";
    }
    if (exitCode != null && exitCode != 0) {
      return "container " + container + " exited with code " + exitCode;
    }
    return null;
  }
}
