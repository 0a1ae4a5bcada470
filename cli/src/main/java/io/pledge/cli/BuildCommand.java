package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.cli.authoring.Containers;
import io.pledge.cli.authoring.PromiseProject;
import io.pledge.oci.ImageReference;
import io.pledge.oci.ToolException;
import io.pledge.oci.build.Containerfile;
import io.pledge.oci.build.ImageBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pledge build}: Kratix's {@code kratix build promise} and {@code build container}. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = "Build a Promise's parts: the Promise document, its containers' images.",
    subcommands = {BuildCommand.Promise.class, BuildCommand.Container.class})
final class BuildCommand extends CommandGroup {

  BuildCommand(CliContext context) {
    super(context);
  }

  @Command(
      name = "promise",
      mixinStandardHelpOptions = true,
      description = {
        "Print the Promise (or write it with -o), assembled from promise.yaml or from the split",
        "files (api.yaml, dependencies.yaml, workflows/*/*/workflow.yaml).",
        "  pledge build promise postgresql | pledge apply -f -"
      })
  static final class Promise implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", description = "the Promise's name")
    String name;

    @Mixin PromiseFolder folder;

    @Option(
        names = {"-o", "--output"},
        description = "a file to write it to (default: standard output)")
    Path output;

    private final CliContext context;

    Promise(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws IOException {
      PromiseProject project = folder.project(context);
      Path dir = project.dir();
      if (!Files.exists(dir.resolve(PromiseProject.PROMISE))
          && !Files.exists(dir.resolve(PromiseProject.API))) {
        throw new IllegalArgumentException(
            "no promise.yaml or api.yaml in " + dir + ": run 'pledge init promise' there first");
      }
      String yaml = PromiseProject.yaml(project.assemble(name));
      if (output == null) {
        context.out().print(yaml);
      } else {
        Path file = context.workDir().resolve(output);
        Files.writeString(file, yaml);
        context.out().println("Promise " + name + " written to " + output);
      }
      return 0;
    }
  }

  @Command(
      name = "container",
      mixinStandardHelpOptions = true,
      description = {
        "Build a pipeline container's folder into the image its Pipeline names, and push it",
        "(no Docker daemon; needs skopeo and umoci). With --all, every container of every",
        "workflow.",
        "  pledge build container resource/configure/instance [--name CONTAINER]"
      })
  static final class Container implements Callable<Integer> {

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "LIFECYCLE/ACTION/PIPELINE",
        description = "the pipeline whose container to build")
    String pipeline;

    @Option(
        names = {"-n", "--name"},
        description = "the container (needed when the pipeline has several)")
    String name;

    @Option(
        names = {"-a", "--all"},
        description = "every container of every workflow")
    boolean all;

    @Mixin PromiseFolder folder;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        description = "limit for each pull and push, ISO-8601 (default: ${DEFAULT-VALUE})",
        defaultValue = "PT10M")
    Duration timeout;

    private final CliContext context;

    Container(CliContext context) {
      this.context = context;
    }

    /** One container to build: its folder and the image its Pipeline names. */
    private record Target(String address, Path folder, String image) {}

    @Override
    public Integer call() throws IOException {
      if (all == (pipeline != null)) {
        context.err().println("error: name one LIFECYCLE/ACTION/PIPELINE, or --all");
        return 2;
      }
      PromiseProject project = folder.project(context);
      List<Target> targets = all ? everyContainer(project) : named(project);
      ImageBuilder builder = ImageCommand.builder(context, timeout);
      for (Target target : targets) {
        if (!Files.isDirectory(target.folder())) {
          throw new IllegalArgumentException(
              "no folder "
                  + project.dir().relativize(target.folder())
                  + " for "
                  + target.address());
        }
        ImageReference reference = ImageReference.parse(target.image());
        try {
          String digest = builder.buildAndPush(target.folder(), reference);
          context.out().println(target.address() + ": pushed " + reference + "@" + digest);
        } catch (Containerfile.InvalidContainerfileException | ToolException e) {
          throw new IllegalArgumentException(target.address() + ": " + e.getMessage(), e);
        }
      }
      return 0;
    }

    private List<Target> named(PromiseProject project) {
      Containers.Address address = Containers.Address.parse(pipeline);
      ObjectNode found =
          Containers.find(
              project.pipelines(address.lifecycle(), address.action()), address.pipeline());
      if (found == null) {
        throw new IllegalArgumentException("no pipeline " + address + " in the Promise");
      }
      List<Target> targets = targets(project, address, found);
      if (name != null) {
        targets = targets.stream().filter(t -> t.address().endsWith("/" + name)).toList();
        if (targets.isEmpty()) {
          throw new IllegalArgumentException(
              "container \"" + name + "\" not found in pipeline " + address);
        }
      } else if (targets.size() > 1) {
        throw new IllegalArgumentException(
            "pipeline "
                + address
                + " has "
                + targets.size()
                + " containers: choose one with --name");
      }
      return targets;
    }

    private static List<Target> everyContainer(PromiseProject project) {
      List<Target> targets = new ArrayList<>();
      for (String lifecycle : List.of("promise", "resource")) {
        for (String action : List.of("configure", "delete")) {
          for (JsonNode found : project.pipelines(lifecycle, action)) {
            Containers.Address address =
                new Containers.Address(
                    lifecycle, action, found.path("metadata").path("name").asText());
            targets.addAll(targets(project, address, (ObjectNode) found));
          }
        }
      }
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("the Promise's workflows have no containers");
      }
      return targets;
    }

    private static List<Target> targets(
        PromiseProject project, Containers.Address address, ObjectNode pipeline) {
      List<Target> targets = new ArrayList<>();
      JsonNode containers = pipeline.path("spec").path("containers");
      for (JsonNode c : containers instanceof ArrayNode a ? a : List.<JsonNode>of()) {
        String container = c.path("name").asText();
        targets.add(
            new Target(
                address + "/" + container,
                project.dir().resolve(address.folder(container)),
                c.path("image").asText()));
      }
      return targets;
    }
  }
}
