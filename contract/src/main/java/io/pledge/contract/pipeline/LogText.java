package io.pledge.contract.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The text form of a request's logs document ({@code {key, runs: [{run, workflowType, action,
 * generation, containers: [...]}]}}): one header line per container, then its standard output, then
 * its standard error under a {@code --- stderr} line when there is any:
 *
 * <pre>
 * ==> resource configure, generation 2, pipeline instance-configure, container create (exit 0) &lt;==
 * ...stdout...
 * --- stderr
 * ...stderr...
 * </pre>
 *
 * request-intake answers {@code text/plain} with it; {@code pledge logs -f} prints each container
 * with it as it arrives.
 */
public final class LogText {

  private LogText() {}

  /** Every container of every run of {@code document}. */
  public static String of(JsonNode document) {
    StringBuilder out = new StringBuilder();
    for (JsonNode run : document.path("runs")) {
      for (JsonNode container : run.path("containers")) {
        out.append(container(run, container));
      }
    }
    return out.toString();
  }

  /** One container of {@code run}. */
  public static String container(JsonNode run, JsonNode container) {
    StringBuilder out = new StringBuilder("==> ");
    out.append(run.path("workflowType").asText())
        .append(' ')
        .append(run.path("action").asText())
        .append(", generation ")
        .append(run.path("generation").asLong())
        .append(", pipeline ")
        .append(container.path("pipeline").asText())
        .append(", container ")
        .append(container.path("container").asText());
    if (container.hasNonNull("exitCode")) {
      out.append(" (exit ").append(container.path("exitCode").asInt()).append(')');
    }
    if (container.path("truncated").asBoolean()) {
      out.append(" [truncated]");
    }
    out.append(" <==\n");
    block(out, container.path("stdout").asText(""));
    String stderr = container.path("stderr").asText("");
    if (!stderr.isEmpty()) {
      out.append("--- stderr\n");
      block(out, stderr);
    }
    return out.toString();
  }

  private static void block(StringBuilder out, String text) {
    if (text.isEmpty()) {
      return;
    }
    out.append(text);
    if (!text.endsWith("\n")) {
      out.append('\n');
    }
  }
}
