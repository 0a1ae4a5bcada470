package io.pledge.runner.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.runner.outcome.PipelineFailure;
import io.pledge.runner.outcome.WorkflowControl;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which resources are due for their periodic re-run: those whose last workflow ended longer ago
 * than their Promise's {@code spec.workflows.config.reconciliationInterval} (else the runner's
 * default; never less than a minute), as Kratix re-runs them (kratix.md §2.9).
 */
public final class ReconcileSchedule {

  public static final Duration MINIMUM = Duration.ofMinutes(1);

  private ReconcileSchedule() {}

  /**
   * @param promiseDocuments a Promise's document by name, empty when unknown or not Available
   */
  public static List<ResourceIndex.Entry> due(
      List<ResourceIndex.Entry> entries,
      Function<String, Optional<JsonNode>> promiseDocuments,
      Duration defaultInterval,
      Instant now) {
    List<ResourceIndex.Entry> due = new ArrayList<>();
    for (ResourceIndex.Entry entry : entries) {
      Optional<JsonNode> promise = promiseDocuments.apply(entry.key().promise());
      if (promise.isEmpty()) {
        continue;
      }
      Duration interval = interval(promise.get(), defaultInterval);
      if (!entry.completedAt().plus(interval).isAfter(now)) {
        due.add(entry);
      }
    }
    return due;
  }

  /** The Promise's interval, else the default; at least {@link #MINIMUM}. */
  public static Duration interval(JsonNode promise, Duration defaultInterval) {
    Duration interval = defaultInterval;
    String text =
        promise
            .path("spec")
            .path("workflows")
            .path("config")
            .path("reconciliationInterval")
            .asText("");
    if (!text.isBlank()) {
      try {
        interval = WorkflowControl.goDuration(text);
      } catch (PipelineFailure e) {
        // An unreadable interval keeps the default, as a wrong annotation does in Kratix.
      }
    }
    return interval.compareTo(MINIMUM) < 0 ? MINIMUM : interval;
  }
}
