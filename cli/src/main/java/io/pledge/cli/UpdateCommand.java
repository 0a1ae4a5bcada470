package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.cli.authoring.ApiProperties;
import io.pledge.cli.authoring.PromiseProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pledge update}: edits of a Promise's files, Kratix's {@code kratix update} verbs. */
@Command(
    name = "update",
    mixinStandardHelpOptions = true,
    description = "Edit a Promise's files: its API, its Destination selectors.",
    subcommands = {UpdateCommand.Api.class, UpdateCommand.DestinationSelector.class})
final class UpdateCommand extends CommandGroup {

  UpdateCommand(CliContext context) {
    super(context);
  }

  @Command(
      name = "api",
      mixinStandardHelpOptions = true,
      description = {
        "Add, retype or remove fields of the request's spec, or rename the API.",
        "  pledge update api -p size:string -p service.port:integer -p region-"
      })
  static final class Api implements Callable<Integer> {

    @Option(
        names = {"-p", "--property"},
        paramLabel = "NAME:TYPE|NAME-",
        description =
            "a field: string, number, integer, object or boolean; a.b nests; NAME- removes it")
    List<String> properties = new ArrayList<>();

    @Option(
        names = {"-g", "--group"},
        description = "a new API group")
    String group;

    @Option(
        names = {"-k", "--kind"},
        description = "a new kind")
    String kind;

    @Option(
        names = {"-v", "--version"},
        description = "a new version name")
    String version;

    @Option(names = "--plural", description = "a new plural")
    String plural;

    @Mixin PromiseFolder folder;

    private final CliContext context;

    Api(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      PromiseProject project = folder.project(context);
      ObjectNode crd = project.api();
      ApiProperties.apply(crd, properties);
      boolean renamed = group != null || kind != null || version != null || plural != null;
      if (renamed) {
        String[] apiVersionAndKind = ApiProperties.rename(crd, group, kind, version, plural);
        Path example = project.dir().resolve(PromiseProject.EXAMPLE);
        if (Files.exists(example)) {
          ObjectNode request = project.read(PromiseProject.EXAMPLE);
          request.put("apiVersion", apiVersionAndKind[0]);
          request.put("kind", apiVersionAndKind[1]);
          project.writeText(Path.of(PromiseProject.EXAMPLE), PromiseProject.yaml(request));
          context.out().println("example resource updated");
        }
      }
      project.writeApi(crd);
      context.out().println("Promise api updated");
      return 0;
    }
  }

  @Command(
      name = "destination-selector",
      mixinStandardHelpOptions = true,
      description = {
        "Set (KEY=VALUE) or remove (KEY-) a label the Promise's Destinations must match.",
        "  pledge update destination-selector environment=dev"
      })
  static final class DestinationSelector implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "KEY=VALUE|KEY-")
    String selector;

    @Mixin PromiseFolder folder;

    private final CliContext context;

    DestinationSelector(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      PromiseProject project = folder.project(context);
      ObjectNode promise = project.promise();
      ObjectNode spec = (ObjectNode) promise.path("spec");
      JsonNode selectors = spec.path("destinationSelectors");
      ArrayNode list =
          selectors.isArray() ? (ArrayNode) selectors : spec.putArray("destinationSelectors");
      if (list.isEmpty()) {
        list.addObject().putObject("matchLabels");
      }
      ObjectNode labels = (ObjectNode) list.get(0);
      ObjectNode matchLabels =
          labels.path("matchLabels").isObject()
              ? (ObjectNode) labels.path("matchLabels")
              : labels.putObject("matchLabels");
      if (selector.endsWith("-") && !selector.contains("=")) {
        matchLabels.remove(label(selector.substring(0, selector.length() - 1)));
      } else {
        int equals = selector.indexOf('=');
        if (equals <= 0) {
          throw new IllegalArgumentException(
              "invalid destination selector \"" + selector + "\": KEY=VALUE or KEY-");
        }
        matchLabels.put(label(selector.substring(0, equals)), selector.substring(equals + 1));
      }
      if (matchLabels.isEmpty() && list.size() == 1) {
        spec.remove("destinationSelectors");
      }
      project.writePromise(promise);
      context.out().println("Promise destination selector updated");
      return 0;
    }

    private static String label(String key) {
      if (!key.matches("([a-z0-9.-]+/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
        throw new IllegalArgumentException("invalid label key \"" + key + "\"");
      }
      return key;
    }
  }
}
