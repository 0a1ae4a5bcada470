package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "reconcile",
    description =
        "Run a request's configure workflow again at its current generation, as Kratix's"
            + " kratix.io/manual-reconciliation label does.")
final class ReconcileCommand implements Callable<Integer> {

  @ParentCommand PledgeCommand pledge;
  @Mixin ResourceArgs resource;

  private final CliContext context;

  ReconcileCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    JsonNode answer = pledge.client().post(resource.path() + "/reconcile");
    context
        .out()
        .println(
            resource.promise
                + " \""
                + resource.name
                + "\" reconciling at generation "
                + answer.path("generation").asLong());
    return 0;
  }
}
