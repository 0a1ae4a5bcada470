package io.pledge.runner.outcome;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /kratix/metadata/workflow-control.yaml}: a pipeline may suspend its workflow, or ask to be
 * re-run after a while (kratix.md §2.7).
 *
 * @param suspend stop the workflow after this pipeline
 * @param retryAfter re-run this pipeline after this long; wins over {@code suspend}
 * @param message why, for people
 * @param maxAttempts how many times the pipeline may run in all before a {@code retryAfter} fails
 *     the workflow instead (kratix#680); null for no limit
 */
public record WorkflowControl(
    boolean suspend, Duration retryAfter, String message, Integer maxAttempts) {

  public WorkflowControl(boolean suspend, Duration retryAfter, String message) {
    this(suspend, retryAfter, message, null);
  }

  /** The file's name inside {@code /kratix/metadata}. */
  public static final String FILE = "workflow-control.yaml";

  private static final Pattern GO_DURATION_PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

  /** Whether the workflow stops here (no Work, later pipelines do not run). */
  public boolean suspendsOrRetries() {
    return suspend || retryAfter != null;
  }

  /**
   * The control a pipeline wrote, or null when it wrote none.
   *
   * @throws PipelineFailure when the file is not a map or {@code retryAfter} is not a duration
   */
  public static WorkflowControl parse(String text) throws PipelineFailure {
    List<JsonNode> docs = MetadataDocuments.read(text, FILE);
    if (docs.isEmpty()) {
      return null;
    }
    JsonNode doc = docs.get(0);
    if (!doc.isObject()) {
      throw new PipelineFailure("invalid " + FILE + ": it must be a map");
    }
    String retry = doc.path("retryAfter").asText("");
    Duration retryAfter = retry.isBlank() ? null : goDuration(retry);
    JsonNode max = doc.get("maxAttempts");
    Integer maxAttempts = null;
    if (max != null && !max.isNull()) {
      if (!max.canConvertToInt() || !max.isIntegralNumber() || max.asInt() < 1) {
        throw new PipelineFailure("invalid " + FILE + ": maxAttempts must be a positive integer");
      }
      maxAttempts = max.asInt();
    }
    return new WorkflowControl(
        doc.path("suspend").asBoolean(false),
        retryAfter,
        doc.path("message").asText(""),
        maxAttempts);
  }

  /** Parses a Go duration such as {@code 10m}, {@code 1h30m} or {@code 1.5s}. */
  public static Duration goDuration(String text) throws PipelineFailure {
    String s = text.trim();
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = GO_DURATION_PART.matcher(s);
    int at = 0;
    double nanos = 0;
    while (at < s.length() && m.find(at) && m.start() == at) {
      double value = Double.parseDouble(m.group(1));
      nanos +=
          value
              * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs", "μs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
              };
      at = m.end();
    }
    if (at == 0 || at != s.length() || negative) {
      throw new PipelineFailure("invalid " + FILE + ": retryAfter '" + text + "' is no duration");
    }
    return Duration.ofNanos((long) nanos);
  }
}
