package io.pledge.runner.workflow;

import io.pledge.runner.outcome.WorkflowControl;
import java.time.Duration;

/**
 * Bounds on a pipeline's {@code retryAfter} (workflow-control.yaml). Kratix re-runs the pipeline
 * after whatever delay it asks, as often as it asks: {@code retryAfter: 0s} then re-runs it without
 * pause, forever. Here a delay is at least {@code minRetryAfter}, and a pipeline that sets no
 * {@code maxAttempts} runs at most {@code defaultMaxAttempts} times.
 *
 * @param minRetryAfter the shortest pause between two runs of a pipeline
 * @param defaultMaxAttempts the runs allowed when the pipeline sets no {@code maxAttempts}; 0 for
 *     no limit
 */
public record RetryPolicy(Duration minRetryAfter, int defaultMaxAttempts) {

  /** The configuration's defaults ({@code pledge.runner.min-retry-after}, ...). */
  public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(5), 100);

  public RetryPolicy {
    if (minRetryAfter == null || minRetryAfter.isNegative()) {
      throw new IllegalArgumentException("min-retry-after must be a duration of 0 or more");
    }
    if (defaultMaxAttempts < 0) {
      throw new IllegalArgumentException("default-retry-attempts must be 0 (no limit) or more");
    }
  }

  /** How long to wait before the pipeline runs again. */
  Duration delay(WorkflowControl control) {
    Duration asked = control.retryAfter();
    return asked.compareTo(minRetryAfter) < 0 ? minRetryAfter : asked;
  }

  /** Whether the delay is longer than the pipeline asked for. */
  boolean raised(WorkflowControl control) {
    return control.retryAfter().compareTo(minRetryAfter) < 0;
  }

  /** How many times the pipeline may run in all, or null for no limit. */
  Integer maxAttempts(WorkflowControl control) {
    if (control.maxAttempts() != null) {
      return control.maxAttempts();
    }
    return defaultMaxAttempts == 0 ? null : defaultMaxAttempts;
  }

  /**
   * Why the pipeline's run {@code run} (counted from 1) does not run it again, or null when it
   * should run again after {@link #delay}.
   */
  String exhausted(WorkflowControl control, int run) {
    Integer max = maxAttempts(control);
    if (max == null || run < max) {
      return null;
    }
    return control.maxAttempts() != null
        ? "retry limit reached: the pipeline ran " + run + " of maxAttempts " + max
        : "retry limit reached: the pipeline ran "
            + run
            + " times, the most allowed without maxAttempts in "
            + WorkflowControl.FILE
            + " (pledge.runner.default-retry-attempts)";
  }

  /** What PIPELINE_FAILED says of a run that will run again. */
  String retrying(WorkflowControl control, int run) {
    Integer max = maxAttempts(control);
    String delay =
        raised(control)
            ? delay(control)
                + ", asked "
                + control.retryAfter()
                + ", at least pledge.runner.min-retry-after"
            : delay(control).toString();
    return "suspended: retry after "
        + delay
        + " (run "
        + run
        + (max == null
            ? ""
            : control.maxAttempts() != null
                ? " of maxAttempts " + max
                : " of " + max + " allowed without maxAttempts")
        + ")";
  }
}
