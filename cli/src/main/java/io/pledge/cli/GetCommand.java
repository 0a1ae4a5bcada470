package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
      "List Promises, Destinations, state stores or the requests of a Promise, as a table.",
      "  pledge get promises [name]",
      "  pledge get destinations|gitstatestores|bucketstatestores [name]",
      "  pledge get <promise> [name] [-n namespace]"
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
      description = "table, json or yaml (default: ${DEFAULT-VALUE})")
  String output;

  private final CliContext context;

  GetCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    boolean promises = what.equals("promises") || what.equals("promise");
    PlatformKinds platform = promises ? null : PlatformKinds.of(what).orElse(null);
    String named = name == null ? "" : "/" + IntakeClient.path(name);
    String path =
        promises
            ? "api/v1/promises" + named
            : platform != null
                ? "api/v1/" + platform.path + named
                : "api/v1/resources/" + IntakeClient.path(namespace, what) + named;
    IntakeClient client = pledge.client();
    switch (output) {
      case "yaml" -> {
        context.out().print(client.getText(path, IntakeClient.YAML));
        return 0;
      }
      case "json" -> {
        context.out().println(client.getJson(path).toPrettyString());
        return 0;
      }
      case "table" -> {}
      default -> {
        context.err().println("error: --output must be table, json or yaml");
        return 2;
      }
    }
    JsonNode answer = client.getJson(path);
    List<JsonNode> items = new ArrayList<>();
    if (answer.has("items")) {
      answer.path("items").forEach(items::add);
    } else {
      items.add(answer);
    }
    if (items.isEmpty()) {
      context
          .err()
          .println(
              promises
                  ? "No Promises found."
                  : platform != null
                      ? platform.noneFound()
                      : "No resources found in " + namespace + " namespace.");
      return 0;
    }
    context
        .out()
        .print(
            promises
                ? promiseTable(items)
                : platform != null ? platform.table(items) : resourceTable(items));
    return 0;
  }

  /** Kratix's printer columns for Promises. */
  static String promiseTable(List<JsonNode> promises) {
    Table table = new Table("NAME", "STATUS", "KIND", "API VERSION", "VERSION");
    for (JsonNode p : promises) {
      JsonNode s = p.path("status");
      table.row(
          p.path("metadata").path("name").asText(),
          s.path("status").asText(""),
          s.path("kind").asText(""),
          s.path("apiVersion").asText(""),
          s.path("version").asText(""));
    }
    return table.render();
  }

  /** Kratix's printer columns for requests: NAME, MESSAGE, STATUS. */
  static String resourceTable(List<JsonNode> resources) {
    Table table = new Table("NAME", "MESSAGE", "STATUS");
    for (JsonNode r : resources) {
      StatusView view = new StatusView(r);
      table.row(view.name(), view.message(), view.displayStatus());
    }
    return table.render();
  }
}
