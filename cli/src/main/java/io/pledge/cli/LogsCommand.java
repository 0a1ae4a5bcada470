package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.pipeline.LogText;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "logs",
    description = "Print the stage output of a request's workflow runs.")
final class LogsCommand implements Callable<Integer> {

  @ParentCommand PledgeCommand pledge;
  @Mixin ResourceArgs resource;

  @Option(names = "--pipeline", description = "only this pipeline")
  String pipeline;

  @Option(
      names = {"-c", "--container"},
      description = "only this container")
  String container;

  @Option(names = "--last", description = "only the last n runs")
  Integer last;

  @Option(
      names = {"-f", "--follow"},
      description =
          "then each container's output as its stage ends, until the request is deleted or"
              + " interrupted")
  boolean follow;

  private final CliContext context;

  LogsCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("pipeline", pipeline);
    query.put("container", container);
    query.put("last", last == null ? null : last.toString());
    String logs = resource.path() + "/logs" + IntakeClient.query(query);
    IntakeClient client = pledge.client();
    if (!follow) {
      String text = client.getText(logs, "text/plain");
      context.out().print(text);
      if (!text.isEmpty() && !text.endsWith("\n")) {
        context.out().println();
      }
      return 0;
    }
    // A container's output arrives whole when its stage ends, and moves the request's status:
    // each change of the request is a time to look for containers not printed yet.
    Set<String> printed = new HashSet<>();
    try (BufferedReader stream = client.stream(resource.path() + "?watch=true")) {
      ServerSentEvents events = new ServerSentEvents(stream);
      ServerSentEvents.Event event;
      do {
        printNew(client.getJson(logs), printed);
        event = events.next();
      } while (event != null && !event.type().equals("DELETED"));
      if (event != null) {
        try {
          printNew(client.getJson(logs), printed);
        } catch (ApiException e) {
          if (e.status() != 404) {
            throw e;
          }
        }
      }
    }
    return 0;
  }

  /** The containers of {@code document} not printed before, identified by run and position. */
  private void printNew(JsonNode document, Set<String> printed) {
    for (JsonNode run : document.path("runs")) {
      int position = 0;
      for (JsonNode entry : run.path("containers")) {
        if (printed.add(run.path("run").asLong() + "/" + position++)) {
          context.out().print(LogText.container(run, entry));
        }
      }
    }
    context.out().flush();
  }
}
