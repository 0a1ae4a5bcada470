package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "apply",
    description = "Apply Promises, Destinations, state stores and requests from YAML files.")
final class ApplyCommand implements Callable<Integer> {

  @ParentCommand PledgeCommand pledge;

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "<file>",
      description = "a YAML file (documents separated by ---); - reads standard input")
  List<String> files;

  private final CliContext context;

  ApplyCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    IntakeClient client = pledge.client();
    for (String file : files) {
      byte[] yaml =
          file.equals("-")
              ? context.in().readAllBytes()
              : Files.readAllBytes(context.workDir().resolve(file));
      for (JsonNode applied : client.apply(yaml)) {
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
