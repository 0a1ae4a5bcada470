package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "wait",
    description = {
      "Wait for a condition of a request, as kubectl wait does; quiet until it is met.",
      "  pledge wait postgresql example --for=condition=Reconciled --timeout=5m",
      "  pledge wait postgresql example --for=delete",
      "A condition counts once the request's observedGeneration has reached its generation: a",
      "condition left from before the last apply does not."
    })
final class WaitCommand implements Callable<Integer> {

  @ParentCommand PledgeCommand pledge;
  @Mixin ResourceArgs resource;

  @Option(
      names = "--for",
      required = true,
      paramLabel = "condition=<type>[=<status>]|delete",
      description = "the condition (status True unless given) or delete")
  String wanted;

  @Option(
      names = "--timeout",
      defaultValue = "30s",
      paramLabel = "<duration>",
      description = "give up after this long: 90s, 5m, 1h (default ${DEFAULT-VALUE})")
  String timeout;

  private final CliContext context;

  WaitCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    Duration limit;
    try {
      limit = duration(timeout);
    } catch (IllegalArgumentException e) {
      context.err().println("error: --timeout: " + e.getMessage());
      return 2;
    }
    String[] condition = condition(wanted);
    if (condition == null && !wanted.equals("delete")) {
      context.err().println("error: --for must be condition=<type>[=<status>] or delete");
      return 2;
    }
    BufferedReader stream = pledge.client().stream(resource.path() + "?watch=true");
    String what = resource.promise + "/" + resource.name;
    Optional<Integer> code = Deadline.within(limit, () -> follow(stream, condition, what));
    if (code.isEmpty()) {
      context.err().println("error: timed out waiting for the condition on " + what);
      return 1;
    }
    return code.get();
  }

  private int follow(BufferedReader stream, String[] condition, String what) throws IOException {
    ServerSentEvents events = new ServerSentEvents(stream);
    ServerSentEvents.Event event;
    while ((event = events.next()) != null) {
      if (event.type().equals("DELETED")) {
        if (condition == null) {
          context.out().println(what + " deleted");
          return 0;
        }
        context.err().println("error: " + what + " was deleted");
        return 1;
      }
      if (condition != null
          && met(new StatusView(IntakeClient.JSON.readTree(event.data())), condition)) {
        context.out().println(what + " condition met");
        return 0;
      }
    }
    context.err().println("error: the watch stream ended before " + what + " met " + wanted);
    return 1;
  }

  /**
   * The condition's type and wanted status; null when {@code spec} is not {@code condition=...}.
   */
  static String[] condition(String spec) {
    if (!spec.startsWith("condition=") || spec.length() == "condition=".length()) {
      return null;
    }
    String[] parts = spec.substring("condition=".length()).split("=", 2);
    return new String[] {parts[0], parts.length > 1 ? parts[1] : "True"};
  }

  static boolean met(StatusView view, String[] condition) {
    JsonNode c = view.condition(condition[0]);
    return c != null
        && condition[1].equalsIgnoreCase(c.path("status").asText())
        && view.observedGeneration() >= view.generation();
  }

  /** kubectl's durations: a number with s, m or h (seconds when no unit). */
  static Duration duration(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      char unit = t.charAt(t.length() - 1);
      String number = Character.isDigit(unit) ? t : t.substring(0, t.length() - 1);
      long n = Long.parseLong(number);
      if (Character.isDigit(unit) || unit == 's') {
        return Duration.ofSeconds(n);
      }
      return switch (unit) {
        case 'h' -> Duration.ofHours(n);
        case 'm' -> Duration.ofMinutes(n);
        default -> throw new IllegalArgumentException("not a duration: " + text);
      };
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
  }
}
