package io.pledge.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;

/** {@code pledge describe}: a request and its status, as {@code kubectl describe} lays it out. */
final class Describer {

  private Describer() {}

  /**
   * A Destination, state store or NotificationPolicy: its name, kind, spec and, once state-writer
   * has checked it, its Ready condition.
   */
  static String describePlatform(JsonNode doc) throws JsonProcessingException {
    StringBuilder out = new StringBuilder();
    field(out, "Name", doc.path("metadata").path("name").asText());
    field(out, "API Version", doc.path("apiVersion").asText());
    field(out, "Kind", doc.path("kind").asText());
    JsonNode status = doc.path("status");
    if (status.hasNonNull("status")) {
      field(out, "Status", status.path("status").asText());
    }
    out.append("Spec:\n");
    for (String line : KratixDocuments.YAML.writeValueAsString(doc.path("spec")).split("\n")) {
      out.append("  ").append(line).append('\n');
    }
    conditions(out, status);
    return out.toString();
  }

  private static void conditions(StringBuilder out, JsonNode status) {
    out.append("Conditions:\n");
    Table conditions = new Table("  TYPE", "STATUS", "REASON", "MESSAGE", "LAST TRANSITION");
    for (JsonNode c : status.path("conditions")) {
      conditions.row(
          "  " + c.path("type").asText(),
          c.path("status").asText(),
          c.path("reason").asText(""),
          c.path("message").asText(""),
          c.path("lastTransitionTime").asText(""));
    }
    out.append(conditions.isEmpty() ? "  <none>\n" : conditions.render());
  }

  static String describe(String promise, JsonNode doc) {
    StatusView view = new StatusView(doc);
    JsonNode status = view.status();
    StringBuilder out = new StringBuilder();
    field(out, "Name", view.name());
    field(out, "Namespace", view.namespace());
    field(out, "Promise", promise);
    field(out, "API Version", doc.path("apiVersion").asText());
    field(out, "Kind", doc.path("kind").asText());
    String observed =
        view.observedGeneration() > 0 ? " (observed " + view.observedGeneration() + ")" : "";
    field(out, "Generation", view.generation() + observed);
    if (status.path("pledge").hasNonNull("requester")) {
      field(out, "Requester", status.path("pledge").path("requester").asText());
    }
    field(out, "Status", view.displayStatus());
    field(out, "Message", view.message());

    conditions(out, status);

    out.append("Pipelines:\n");
    Table pipelines = new Table("  NAME", "PHASE", "MESSAGE");
    for (JsonNode p : status.path("kratix").path("workflows").path("pipelines")) {
      pipelines.row(
          "  " + p.path("name").asText(), p.path("phase").asText(), p.path("message").asText(""));
    }
    out.append(pipelines.isEmpty() ? "  <none>\n" : pipelines.render());

    out.append("Destinations:\n");
    Table destinations = new Table("  NAME", "PIPELINE", "GROUP", "STATE", "STATE STORE", "COMMIT");
    for (JsonNode d : status.path("destinations")) {
      destinations.row(
          "  " + d.path("name").asText(),
          d.path("pipeline").asText(""),
          d.path("workloadGroupId").asText(""),
          d.path("state").asText(""),
          d.path("stateStore").asText(""),
          d.path("commit").asText(""));
    }
    out.append(destinations.isEmpty() ? "  <none>\n" : destinations.render());
    for (JsonNode d : status.path("destinations")) {
      for (JsonNode path : d.path("paths")) {
        out.append("  ")
            .append(d.path("name").asText())
            .append(": ")
            .append(path.asText())
            .append('\n');
      }
    }

    JsonNode components = status.path("pledge").path("components");
    if (!components.isEmpty()) {
      out.append("Components:\n");
      components(out, components, "  ");
    }

    JsonNode failure = status.path("lastFailure");
    if (!failure.isMissingNode() && !failure.isNull()) {
      out.append("Last Failure:\n  ").append(view.failure()).append('\n');
      if (failure.hasNonNull("time")) {
        out.append("  at ").append(failure.path("time").asText()).append('\n');
      }
      String stderr = failure.path("stderrTail").asText("");
      if (!stderr.isBlank()) {
        out.append("  stderr:\n");
        stderr.lines().forEach(l -> out.append("    ").append(l).append('\n'));
      }
    }
    return out.toString();
  }

  /** The requests a compound Promise asked for, each under its parent, with its status. */
  private static void components(StringBuilder out, JsonNode components, String indent) {
    for (JsonNode c : components) {
      out.append(indent)
          .append(c.path("promise").asText())
          .append(' ')
          .append(c.path("namespace").asText())
          .append('/')
          .append(c.path("name").asText())
          .append(" (generation ")
          .append(c.path("generation").asLong())
          .append("): ")
          .append(c.path("status").asText())
          .append('\n');
      components(out, c.path("components"), indent + "  ");
    }
  }

  private static void field(StringBuilder out, String label, String value) {
    out.append(label)
        .append(':')
        .append(" ".repeat(Math.max(1, 14 - label.length())))
        .append(value)
        .append('\n');
  }
}
