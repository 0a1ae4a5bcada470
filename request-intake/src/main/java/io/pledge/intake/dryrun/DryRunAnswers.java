package io.pledge.intake.dryrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.dryrun.DryRunCompleted;
import io.pledge.contract.event.EventCodec;
import java.time.Duration;

/**
 * What the REST API answers for a runner's dry-run answer: 200 with a {@link DryRunResult} when the
 * workflow succeeded or suspended itself, a 422 problem naming the pipeline, container, exit code
 * and stderr tail when it failed, a 409 problem when the Promise is not Available.
 */
public final class DryRunAnswers {

  private static final String PROBLEMS = "https://pledge.io/problems/";

  /**
   * One HTTP answer.
   *
   * @param status the HTTP status
   * @param body a {@link DryRunResult}, or an RFC 7807 problem (with extension members) when {@code
   *     problem}
   * @param problem whether {@code body} is a problem document
   */
  public record Answer(int status, Object body, boolean problem) {}

  private DryRunAnswers() {}

  /**
   * @param answer the runner's answer
   * @param resource the document as it was sent to the runner
   * @param elapsed how long the dry run took
   */
  public static Answer of(DryRunCompleted answer, JsonNode resource, Duration elapsed) {
    DryRunResult result = result(answer, resource, elapsed);
    String outcome = answer.outcome() == null ? "" : answer.outcome();
    return switch (outcome) {
      case DryRunCompleted.SUCCEEDED, DryRunCompleted.SUSPENDED -> new Answer(200, result, false);
      case DryRunCompleted.UNAVAILABLE ->
          new Answer(
              409,
              problem(
                  409,
                  "promise-unavailable",
                  "Promise not available",
                  answer.message()
                      + ". A real apply would be accepted and wait until the Promise is Available;"
                      + " a dry run cannot wait for that."),
              true);
      default -> new Answer(422, failed(answer, result), true);
    };
  }

  /** 504: no runner answered in time. */
  public static Answer timedOut(ResourceKey key, Duration timeout) {
    return new Answer(
        504,
        problem(
            504,
            "dry-run-timeout",
            "Dry run timed out",
            "No pipeline-runner answered the dry run of "
                + key
                + " within "
                + timeout.toMillis()
                + " ms; is one running and reading its dry-run topic?"),
        true);
  }

  static DryRunResult result(DryRunCompleted answer, JsonNode resource, Duration elapsed) {
    JsonNode metadata = resource.path("metadata");
    return new DryRunResult(
        true,
        resource.path("apiVersion").asText(null),
        resource.path("kind").asText(null),
        metadata.path("name").asText(null),
        metadata.path("namespace").asText(null),
        answer.key() == null ? null : answer.key().promise(),
        answer.generation(),
        answer.outcome(),
        answer.message(),
        answer.status(),
        answer.pipelines() == null ? java.util.List.of() : answer.pipelines(),
        answer.durationMillis(),
        elapsed.toMillis());
  }

  private static ObjectNode failed(DryRunCompleted answer, DryRunResult result) {
    DryRunCompleted.Failure f = answer.failure();
    StringBuilder detail =
        new StringBuilder("The dry run of ").append(answer.key()).append(" failed");
    if (f != null) {
      detail.append(": pipeline ").append(f.pipeline());
      if (f.container() != null) {
        detail.append(", container ").append(f.container());
      }
      if (f.exitCode() != null) {
        detail.append(", exit code ").append(f.exitCode());
      }
      detail.append(": ").append(f.reason());
      if (f.stderrTail() != null && !f.stderrTail().isBlank()) {
        detail.append("\nstderr (tail):\n").append(f.stderrTail());
      }
    } else if (answer.message() != null) {
      detail.append(": ").append(answer.message());
    }
    ObjectNode problem = problem(422, "dry-run-failed", "Dry run failed", detail.toString());
    if (f != null) {
      problem.put("pipeline", f.pipeline());
      if (f.container() != null) {
        problem.put("container", f.container());
      }
      if (f.exitCode() != null) {
        problem.put("exitCode", f.exitCode());
      }
      problem.put("reason", f.reason());
      if (f.stderrTail() != null) {
        problem.put("stderrTail", f.stderrTail());
      }
    }
    // What ran before the failure, and every container's output, as a successful answer shows it.
    problem.set("dryRun", EventCodec.JSON.valueToTree(result));
    return problem;
  }

  private static ObjectNode problem(int status, String slug, String title, String detail) {
    ObjectNode problem = EventCodec.JSON.createObjectNode();
    problem.put("type", PROBLEMS + slug);
    problem.put("title", title);
    problem.put("status", status);
    problem.put("detail", detail);
    return problem;
  }
}
