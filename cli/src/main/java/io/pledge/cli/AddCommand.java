package io.pledge.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.pledge.cli.authoring.BashStage;
import io.pledge.cli.authoring.Containers;
import io.pledge.cli.authoring.PromiseProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pledge add}: Kratix's {@code kratix add container}. */
@Command(
    name = "add",
    mixinStandardHelpOptions = true,
    description = "Add to a Promise's files: a container in a workflow's pipeline.",
    subcommands = {AddCommand.Container.class})
final class AddCommand extends CommandGroup {

  AddCommand(CliContext context) {
    super(context);
  }

  @Command(
      name = "container",
      mixinStandardHelpOptions = true,
      description = {
        "Add a container to a workflow's pipeline (made when missing) and scaffold its image:",
        "workflows/LIFECYCLE/ACTION/PIPELINE/CONTAINER/ with a Dockerfile and scripts/pipeline.sh.",
        "  pledge add container resource/configure/instance --image registry.example.com/db:v1"
      })
  static final class Container implements Callable<Integer> {

    @Parameters(
        index = "0",
        paramLabel = "LIFECYCLE/ACTION/PIPELINE",
        description = "promise or resource / configure or delete / the pipeline's name")
    String pipeline;

    @Option(
        names = {"-i", "--image"},
        required = true,
        description = "the image the container runs")
    String image;

    @Option(
        names = {"-n", "--name"},
        description = "the container's name (default: from the image, as Kratix names it)")
    String name;

    @Option(
        names = {"-l", "--language"},
        defaultValue = "bash",
        description = "the script's language: bash (default)")
    String language;

    @Mixin PromiseFolder folder;

    private final CliContext context;

    Container(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Containers.Address address = Containers.Address.parse(pipeline);
      if (!language.equals("bash")) {
        // Kratix also scaffolds go and python; their images need a RUN (go build, pip install),
        // which Pledge's daemonless builder does not run.
        throw new IllegalArgumentException(
            "unsupported language \"" + language + "\": pledge scaffolds bash stages");
      }
      String container = name != null ? name : Containers.defaultName(image);
      if (!container.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || container.length() > 63) {
        throw new IllegalArgumentException("invalid container name \"" + container + "\"");
      }
      PromiseProject project = folder.project(context);
      ArrayNode pipelines = project.pipelines(address.lifecycle(), address.action());
      Containers.add(pipelines, address, container, image);
      String folder = address.folder(container);
      BashStage.files(address, container)
          .forEach(
              (file, text) -> {
                Path relative = Path.of(folder, file);
                if (!Files.exists(project.dir().resolve(relative))) {
                  project.writeText(relative, text);
                }
              });
      markExecutable(project.dir().resolve(folder).resolve("scripts/pipeline.sh"));
      project.writePipelines(address.lifecycle(), address.action(), pipelines);
      context.out().println("generated " + address + "/" + container + " in " + folder);
      context
          .out()
          .println("Customise it in " + folder + "/scripts/pipeline.sh, then build and push it:");
      context.out().println("  pledge build container " + address + " --name " + container);
      return 0;
    }

    private static void markExecutable(Path script) {
      try {
        script.toFile().setExecutable(true, false);
      } catch (SecurityException e) {
        // The Dockerfile's COPY --chmod makes it executable in the image regardless.
      }
    }
  }
}
