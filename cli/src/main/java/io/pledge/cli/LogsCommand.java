package io.pledge.cli;

import java.util.LinkedHashMap;
import java.util.Map;
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

  private final CliContext context;

  LogsCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("pipeline", pipeline);
    query.put("container", container);
    query.put("last", last == null ? null : last.toString());
    String text =
        pledge
            .client()
            .getText(resource.path() + "/logs" + IntakeClient.query(query), "text/plain");
    context.out().print(text);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      context.out().println();
    }
    return 0;
  }
}
