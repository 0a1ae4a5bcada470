package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "apply",
    description = {
      "Apply Promises, Destinations, state stores, policies and requests from YAML files, as",
      "kubectl apply does: each file is one call, a directory's .yaml, .yml and .json files in",
      "name order (-R: its subdirectories too)."
    })
final class ApplyCommand implements Callable<Integer> {

  @ParentCommand PledgeCommand pledge;

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "<file>",
      description =
          "a YAML file (documents separated by ---), a directory, or - for standard input")
  List<String> files;

  @Option(
      names = {"-R", "--recursive"},
      description = "also the files in the subdirectories of a directory given with -f")
  boolean recursive;

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
    boolean server = dryRun.equals("server");
    IntakeClient client = pledge.client();
    for (byte[] yaml : bodies()) {
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

  /** The body of each call: every file named, every manifest file of every directory named. */
  private List<byte[]> bodies() throws IOException {
    List<byte[]> bodies = new ArrayList<>();
    for (String file : files) {
      if (file.equals("-")) {
        bodies.add(context.in().readAllBytes());
        continue;
      }
      Path path = context.workDir().resolve(file);
      if (!Files.exists(path)) {
        throw new NoSuchFileException(file, null, "the path does not exist");
      }
      if (!Files.isDirectory(path)) {
        bodies.add(Files.readAllBytes(path));
        continue;
      }
      for (Path manifest : manifests(path)) {
        bodies.add(Files.readAllBytes(manifest));
      }
    }
    return bodies;
  }

  private List<Path> manifests(Path dir) throws IOException {
    try (Stream<Path> walk = recursive ? Files.walk(dir) : Files.list(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(
              p -> {
                String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
              })
          .sorted()
          .toList();
    }
  }
}
