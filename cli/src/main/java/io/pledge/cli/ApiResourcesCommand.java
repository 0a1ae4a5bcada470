package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "api-resources",
    description =
        "The kinds this Pledge serves, as kubectl api-resources lists them: its own, and each"
            + " Promise's request kind.")
final class ApiResourcesCommand implements Callable<Integer> {

  @ParentCommand PledgeCommand pledge;

  private final CliContext context;

  ApiResourcesCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Table table = new Table("NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND");
    String kratix = "platform.kratix.io/v1alpha1";
    table.row("promises", "", kratix, "false", "Promise");
    table.row("destinations", "dest,dests", kratix, "false", "Destination");
    table.row("gitstatestores", "", kratix, "false", "GitStateStore");
    table.row("bucketstatestores", "", kratix, "false", "BucketStateStore");
    table.row("notificationpolicies", "", "pledge.io/v1alpha1", "false", "NotificationPolicy");
    for (JsonNode p : pledge.client().getJson("api/v1/promises").path("items")) {
      JsonNode names = p.path("spec").path("api").path("spec").path("names");
      JsonNode status = p.path("status");
      if (names.isMissingNode() || !status.hasNonNull("kind")) {
        continue; // a Promise without an API has no requests
      }
      List<String> shortNames = new ArrayList<>();
      names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
      table.row(
          names.path("plural").asText(),
          String.join(",", shortNames),
          status.path("apiVersion").asText(),
          "true",
          status.path("kind").asText());
    }
    context.out().print(table.render());
    return 0;
  }
}
