package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "apply",
    description = {
      "Apply Promises, Destinations, state stores, policies and requests from YAML files.",
      "As kubectl apply does: each file is one call, a directory's .yaml, .yml and",
      ".json files in name order (-R: its subdirectories too)."
    })
final class ApplyCommand implements Callable<Integer> {

  @ParentCommand PledgeCommand pledge;

  @Mixin ManifestFiles manifests;

  @Option(
      names = "--dry-run",
      paramLabel = "none|server",
      defaultValue = "none",
      description =
          "server: the server runs the request's configure workflow and shows what it would write;"
              + " nothing is applied (one resource request per call)")
  String dryRun;

  private final CliContext context;

  ApplyCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    if (!dryRun.equals("none") && !dryRun.equals("server")) {
      context.err().println("error: --dry-run must be none or server, not " + dryRun);
      return 2;
    }
    if (!manifests.given()) {
      context.err().println("error: give the files to apply with -f");
      return 2;
    }
    boolean server = dryRun.equals("server");
    IntakeClient client = pledge.client();
    for (byte[] yaml : manifests.read(context)) {
      JsonNode answer = client.apply(yaml, server);
      if (server) {
        context.out().print(KratixDocuments.YAML.writeValueAsString(answer));
        continue;
      }
      for (JsonNode applied : answer) {
        context
            .out()
            .println(
                applied.path("kind").asText().toLowerCase(Locale.ROOT)
                    + "/"
                    + applied.path("name").asText()
                    + " "
                    + applied.path("outcome").asText());
      }
    }
    return 0;
  }
}
