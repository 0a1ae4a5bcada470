package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reading a document's {@code status} as request-intake renders it (Kratix's message, conditions,
 * {@code kratix.workflows.pipelines}, destinations, lastFailure, {@code pledge.generation}).
 */
final class StatusView {

  /** Where a watched resource stands. */
  enum Outcome {
    IN_PROGRESS,
    RECONCILED,
    FAILING
  }

  private final JsonNode doc;

  StatusView(JsonNode doc) {
    this.doc = doc;
  }

  JsonNode status() {
    return doc.path("status");
  }

  String name() {
    return doc.path("metadata").path("name").asText();
  }

  String namespace() {
    return doc.path("metadata").path("namespace").asText("default");
  }

  String message() {
    return status().path("message").asText("Pending");
  }

  /** The request's current generation, as request-intake counts it. */
  long generation() {
    long fromStatus = status().path("pledge").path("generation").asLong(0);
    return Math.max(fromStatus, doc.path("metadata").path("generation").asLong(0));
  }

  long observedGeneration() {
    return status().path("observedGeneration").asLong(0);
  }

  JsonNode condition(String type) {
    for (JsonNode c : status().path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return null;
  }

  /** kubectl's STATUS column for requests: the Reconciled condition's message, else Pending. */
  String displayStatus() {
    JsonNode reconciled = condition("Reconciled");
    return reconciled == null ? "Pending" : reconciled.path("message").asText("Pending");
  }

  /**
   * Reconciled when the Reconciled condition is True for the current generation; failing when it is
   * False (a pipeline or a Work failed) and no new run is under way; in progress otherwise. A new
   * run (an update, a reconcile) resets ConfigureWorkflowCompleted to PipelinesInProgress but
   * leaves the last run's Reconciled as it was until the new one decides: that False is stale.
   */
  Outcome outcome() {
    JsonNode reconciled = condition("Reconciled");
    if (reconciled == null) {
      return Outcome.IN_PROGRESS;
    }
    String value = reconciled.path("status").asText();
    if ("True".equals(value) && observedGeneration() >= generation()) {
      return Outcome.RECONCILED;
    }
    if ("False".equals(value) && !runUnderWay()) {
      return Outcome.FAILING;
    }
    return Outcome.IN_PROGRESS;
  }

  private boolean runUnderWay() {
    JsonNode configure = condition("ConfigureWorkflowCompleted");
    return configure != null
        && "False".equals(configure.path("status").asText())
        && "PipelinesInProgress".equals(configure.path("reason").asText());
  }

  /** One line of progress: message, Reconciled's state and reason, each pipeline's phase. */
  String progressLine() {
    StringBuilder line = new StringBuilder(message());
    JsonNode reconciled = condition("Reconciled");
    if (reconciled != null) {
      line.append("  Reconciled=").append(reconciled.path("status").asText("Unknown"));
      String reason = reconciled.path("reason").asText("");
      if (!reason.isEmpty()) {
        line.append(" (").append(reason).append(')');
      }
    }
    JsonNode pipelines = status().path("kratix").path("workflows").path("pipelines");
    if (pipelines.size() > 0) {
      line.append("  pipelines:");
      for (JsonNode p : pipelines) {
        line.append(' ')
            .append(p.path("name").asText())
            .append('=')
            .append(p.path("phase").asText());
      }
    }
    return line.toString();
  }

  /** Where the files went: {@code committed 3c1d2e4 to worker-1}, or empty. */
  String commits() {
    StringBuilder out = new StringBuilder();
    for (JsonNode d : status().path("destinations")) {
      String commit = d.path("commit").asText("");
      if (commit.isEmpty()) {
        continue;
      }
      out.append(out.length() == 0 ? "committed " : ", ")
          .append(commit, 0, Math.min(7, commit.length()))
          .append(" to ")
          .append(d.path("name").asText());
    }
    return out.toString();
  }

  /** The last failure in one line: pipeline, container, exit code and reason. */
  String failure() {
    JsonNode f = status().path("lastFailure");
    if (f.isMissingNode() || f.isNull()) {
      JsonNode reconciled = condition("Reconciled");
      return reconciled == null ? "" : reconciled.path("reason").asText("");
    }
    StringBuilder out = new StringBuilder();
    if (f.hasNonNull("pipeline")) {
      out.append("pipeline ").append(f.path("pipeline").asText());
    }
    if (f.hasNonNull("container")) {
      out.append(out.length() == 0 ? "" : ", ")
          .append("container ")
          .append(f.path("container").asText());
    }
    if (f.hasNonNull("exitCode")) {
      out.append(" exited with ").append(f.path("exitCode").asInt());
    }
    if (f.hasNonNull("reason")) {
      out.append(out.length() == 0 ? "" : ": ").append(f.path("reason").asText());
    }
    return out.toString();
  }
}
