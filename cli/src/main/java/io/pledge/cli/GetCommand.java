package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.kratix.KratixDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "get",
    description = {
      "List Promises, Destinations, state stores, policies or the requests of a Promise.",
      "  pledge get promises [name]",
      "  pledge get destinations|gitstatestores|bucketstatestores|notificationpolicies [name]",
      "  pledge get <promise> [name] [-n namespace | -A] [-l selector] [-o jsonpath=...]"
    })
final class GetCommand implements Callable<Integer> {

  @ParentCommand PledgeCommand pledge;

  @Parameters(
      index = "0",
      paramLabel = "promises|destinations|gitstatestores|bucketstatestores|<promise>")
  String what;

  @Parameters(index = "1", arity = "0..1", paramLabel = "<name>")
  String name;

  @Option(
      names = {"-n", "--namespace"},
      defaultValue = "default",
      description = "namespace of the requests (default: ${DEFAULT-VALUE})")
  String namespace;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description =
          "table, wide, name, json, yaml or jsonpath=TEMPLATE (kubectl's: {.a.b}, [*],"
              + " {range ...}{end}) (default: ${DEFAULT-VALUE})")
  String output;

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "the Promise's requests in every namespace you may read")
  boolean allNamespaces;

  @Option(
      names = {"-l", "--selector"},
      description =
          "only objects whose labels match: key=value, key!=value, key, !key, comma-separated")
  String selector;

  @Option(
      names = {"-w", "--watch"},
      description =
          "after the current requests, a row for every change (a Promise's requests only);"
              + " runs until interrupted or the server ends the stream")
  boolean watch;

  private static final java.util.Set<String> OUTPUTS =
      java.util.Set.of("table", "wide", "name", "json", "yaml");

  /** What an object that the selector leaves out renders as. */
  private static final JsonNode NONE =
      com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();

  private final CliContext context;

  GetCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    boolean promises = what.equals("promises") || what.equals("promise");
    PlatformKinds platform = promises ? null : PlatformKinds.of(what).orElse(null);
    String named = name == null ? "" : "/" + IntakeClient.path(name);
    boolean everywhere = allNamespaces && !promises && platform == null;
    if (everywhere && name != null) {
      context.err().println("error: a request cannot be named across all namespaces (-A)");
      return 2;
    }
    String path =
        promises
            ? "api/v1/promises" + named
            : platform != null
                ? "api/v1/" + platform.path + named
                : everywhere
                    ? "api/v1/promises/" + IntakeClient.path(what) + "/resources"
                    : "api/v1/resources/" + IntakeClient.path(namespace, what) + named;
    JsonPathTemplate jsonPath;
    LabelSelector labels;
    try {
      jsonPath =
          output.startsWith("jsonpath=") ? JsonPathTemplate.parse(output.substring(9)) : null;
      labels = selector == null ? null : LabelSelector.parse(selector);
    } catch (IllegalArgumentException e) {
      context.err().println("error: " + e.getMessage());
      return 2;
    }
    if (jsonPath == null && !OUTPUTS.contains(output)) {
      context
          .err()
          .println("error: --output must be table, wide, name, json, yaml or jsonpath=...");
      return 2;
    }
    IntakeClient client = pledge.client();
    if (watch) {
      if (promises || platform != null) {
        context.err().println("error: --watch follows a Promise's requests: pledge get KIND -w");
        return 2;
      }
      return follow(client.stream(path + "?watch=true"), labels, jsonPath, everywhere);
    }
    if (output.equals("yaml") && labels == null) {
      context.out().print(client.getText(path, IntakeClient.YAML));
      return 0;
    }
    JsonNode answer = client.getJson(path);
    List<JsonNode> items = new ArrayList<>();
    if (answer.has("items")) {
      answer.path("items").forEach(items::add);
    } else {
      items.add(answer);
    }
    if (labels != null) {
      items.removeIf(labels.negate());
      if (answer.has("items")) {
        ((ObjectNode) answer).putArray("items").addAll(items);
      }
    }
    if (jsonPath != null) {
      context
          .out()
          .print(jsonPath.render(answer.has("items") || items.size() == 1 ? answer : NONE));
      return 0;
    }
    switch (output) {
      case "json" -> {
        context
            .out()
            .println(answer.has("items") || !items.isEmpty() ? answer.toPrettyString() : "{}");
        return 0;
      }
      case "yaml" -> {
        context
            .out()
            .print(
                KratixDocuments.YAML.writeValueAsString(
                    answer.has("items") || !items.isEmpty() ? answer : NONE));
        return 0;
      }
      default -> {}
    }
    if (items.isEmpty()) {
      context
          .err()
          .println(
              promises
                  ? "No Promises found."
                  : platform != null
                      ? platform.noneFound()
                      : everywhere
                          ? "No resources found."
                          : "No resources found in " + namespace + " namespace.");
      return 0;
    }
    if (output.equals("name")) {
      // kubectl's -o name: <kind>/<name>, one per line, for scripts.
      for (JsonNode item : items) {
        context
            .out()
            .println(
                item.path("kind").asText().toLowerCase(java.util.Locale.ROOT)
                    + "/"
                    + item.path("metadata").path("name").asText());
      }
      return 0;
    }
    boolean wide = output.equals("wide");
    context
        .out()
        .print(
            promises
                ? promiseTable(items, wide)
                : platform != null
                    ? platform.table(items)
                    : resourceTable(items, wide, everywhere));
    return 0;
  }

  /**
   * {@code get -w}: each event's document as a row (or in the chosen output), the selector applied
   * to each; a deleted request is shown once more, as kubectl does.
   */
  private int follow(
      java.io.BufferedReader stream,
      LabelSelector labels,
      JsonPathTemplate jsonPath,
      boolean namespaces)
      throws java.io.IOException {
    boolean wide = output.equals("wide");
    StreamingTable table = new StreamingTable(resourceHeader(wide, namespaces));
    try (stream) {
      ServerSentEvents events = new ServerSentEvents(stream);
      ServerSentEvents.Event event;
      while ((event = events.next()) != null) {
        JsonNode doc = IntakeClient.JSON.readTree(event.data());
        if (labels != null && !labels.test(doc)) {
          continue;
        }
        context.out().print(render(doc, jsonPath, table, wide, namespaces));
        context.out().flush();
      }
    }
    return 0;
  }

  private String render(
      JsonNode doc, JsonPathTemplate jsonPath, StreamingTable table, boolean wide, boolean ns)
      throws java.io.IOException {
    if (jsonPath != null) {
      return jsonPath.render(doc);
    }
    return switch (output) {
      case "json" -> doc.toPrettyString() + "\n";
      case "yaml" ->
          "---\n" + KratixDocuments.YAML.writeValueAsString(doc).replaceFirst("^---\\n", "");
      case "name" ->
          doc.path("kind").asText().toLowerCase(java.util.Locale.ROOT)
              + "/"
              + doc.path("metadata").path("name").asText()
              + "\n";
      default -> table.rows(resourceRow(doc, wide, ns));
    };
  }

  /** Kratix's printer columns for Promises; wide adds the message and the workflow counts. */
  static String promiseTable(List<JsonNode> promises, boolean wide) {
    Table table =
        wide
            ? new Table("NAME", "STATUS", "KIND", "API VERSION", "VERSION", "MESSAGE", "WORKFLOWS")
            : new Table("NAME", "STATUS", "KIND", "API VERSION", "VERSION");
    for (JsonNode p : promises) {
      JsonNode s = p.path("status");
      String[] row = {
        p.path("metadata").path("name").asText(),
        s.path("status").asText(""),
        s.path("kind").asText(""),
        s.path("apiVersion").asText(""),
        s.path("version").asText("")
      };
      if (wide) {
        table.row(
            row[0], row[1], row[2], row[3], row[4], s.path("message").asText(""), workflows(s));
      } else {
        table.row(row);
      }
    }
    return table.render();
  }

  /**
   * Kratix's printer columns for requests: NAME, MESSAGE, STATUS; wide adds the generations; with
   * {@code namespaces} (-A) a NAMESPACE column comes first, as kubectl's.
   */
  static String resourceTable(List<JsonNode> resources, boolean wide, boolean namespaces) {
    Table table = new Table(resourceHeader(wide, namespaces));
    for (JsonNode r : resources) {
      table.row(resourceRow(r, wide, namespaces));
    }
    return table.render();
  }

  static String[] resourceHeader(boolean wide, boolean namespaces) {
    List<String> header = new ArrayList<>(List.of("NAME", "MESSAGE", "STATUS"));
    if (wide) {
      header.addAll(List.of("GENERATION", "OBSERVED", "WORKFLOWS"));
    }
    if (namespaces) {
      header.add(0, "NAMESPACE");
    }
    return header.toArray(String[]::new);
  }

  static String[] resourceRow(JsonNode r, boolean wide, boolean namespaces) {
    StatusView view = new StatusView(r);
    List<String> row = new ArrayList<>(List.of(view.name(), view.message(), view.displayStatus()));
    if (wide) {
      row.addAll(
          List.of(
              Long.toString(view.generation()),
              Long.toString(view.observedGeneration()),
              workflows(r.path("status"))));
    }
    if (namespaces) {
      row.add(0, view.namespace());
    }
    return row.toArray(String[]::new);
  }

  /** {@code succeeded/total}, and the failed ones when any: Kratix's workflow counts. */
  private static String workflows(JsonNode status) {
    if (!status.has("workflows")) {
      return "";
    }
    String counts =
        status.path("workflowsSucceeded").asLong() + "/" + status.path("workflows").asLong();
    long failed = status.path("workflowsFailed").asLong();
    return failed > 0 ? counts + " (" + failed + " failed)" : counts;
  }
}
