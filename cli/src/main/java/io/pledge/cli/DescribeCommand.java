package io.pledge.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "describe",
    description = "Show a request's status: conditions, pipelines, destinations and commits.")
final class DescribeCommand implements Callable<Integer> {

  @ParentCommand PledgeCommand pledge;
  @Mixin ResourceArgs resource;

  private final CliContext context;

  DescribeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    context
        .out()
        .print(Describer.describe(resource.promise, pledge.client().getJson(resource.path())));
    return 0;
  }
}
