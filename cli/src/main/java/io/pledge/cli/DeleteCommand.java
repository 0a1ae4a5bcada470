package io.pledge.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "delete",
    description =
        "Delete a request: its delete workflow runs, then its files leave the state store.")
final class DeleteCommand implements Callable<Integer> {

  @ParentCommand PledgeCommand pledge;
  @Mixin ResourceArgs resource;

  private final CliContext context;

  DeleteCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    pledge.client().delete(resource.path());
    context.out().println(resource.promise + " \"" + resource.name + "\" deleted");
    return 0;
  }
}
