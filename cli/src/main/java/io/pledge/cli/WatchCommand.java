package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "watch",
    description = {
      "Follow a request until it is Reconciled (exit 0) or Failing (exit 1).",
      "Prints a line whenever its message, Reconciled condition or pipelines change."
    })
final class WatchCommand implements Callable<Integer> {

  @ParentCommand PledgeCommand pledge;
  @Mixin ResourceArgs resource;

  @Option(
      names = "--timeout",
      defaultValue = "0",
      description = "give up after this many seconds (0: never; default ${DEFAULT-VALUE})")
  long timeoutSeconds;

  private final CliContext context;

  WatchCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    BufferedReader stream = pledge.client().stream(resource.path() + "?watch=true");
    Optional<Integer> code =
        Deadline.within(
            Duration.ofSeconds(timeoutSeconds), () -> follow(new ServerSentEvents(stream)));
    if (code.isEmpty()) {
      context
          .err()
          .println("error: " + resource.display() + " not settled after " + timeoutSeconds + "s");
      return 1;
    }
    return code.get();
  }

  private int follow(ServerSentEvents events) throws IOException {
    String previous = null;
    ServerSentEvents.Event event;
    while ((event = events.next()) != null) {
      if (event.type().equals("DELETED")) {
        context.out().println(resource.display() + " was deleted");
        return 1;
      }
      JsonNode doc = IntakeClient.JSON.readTree(event.data());
      StatusView view = new StatusView(doc);
      String line = view.progressLine();
      if (!line.equals(previous)) {
        context.out().println(resource.namespace + "/" + resource.name + ": " + line);
        context.out().flush();
        previous = line;
      }
      switch (view.outcome()) {
        case RECONCILED -> {
          String commits = view.commits();
          context
              .out()
              .println(
                  resource.display()
                      + " is Reconciled (generation "
                      + view.generation()
                      + ")"
                      + (commits.isEmpty() ? "" : ": " + commits));
          return 0;
        }
        case FAILING -> {
          String failure = view.failure();
          context
              .out()
              .println(
                  resource.display() + " is Failing" + (failure.isEmpty() ? "" : ": " + failure));
          return 1;
        }
        case IN_PROGRESS -> {}
      }
    }
    context
        .err()
        .println("error: the watch stream ended before " + resource.display() + " settled");
    return 1;
  }
}
