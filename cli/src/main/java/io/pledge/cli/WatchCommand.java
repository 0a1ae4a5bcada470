package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
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
    AtomicBoolean timedOut = new AtomicBoolean();
    Timer timer = new Timer("pledge-watch-timeout", true);
    if (timeoutSeconds > 0) {
      timer.schedule(
          new TimerTask() {
            @Override
            public void run() {
              timedOut.set(true);
              closeQuietly(stream);
            }
          },
          Duration.ofSeconds(timeoutSeconds).toMillis());
    }
    try {
      return follow(new ServerSentEvents(stream));
    } catch (IOException e) {
      if (timedOut.get()) {
        context
            .err()
            .println("error: " + resource.display() + " not settled after " + timeoutSeconds + "s");
        return 1;
      }
      throw e;
    } finally {
      timer.cancel();
      closeQuietly(stream);
    }
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

  private static void closeQuietly(BufferedReader reader) {
    try {
      reader.close();
    } catch (IOException e) {
      // closing is all that is left to do
    }
  }
}
