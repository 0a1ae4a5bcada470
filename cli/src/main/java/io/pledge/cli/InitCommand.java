package io.pledge.cli;

import io.pledge.cli.authoring.PromiseProject;
import io.pledge.cli.authoring.PromiseTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pledge init}: a new Promise's files, as Kratix's {@code kratix init} writes them. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = "Start a Promise: its files, laid out as Kratix's CLI lays them out.",
    subcommands = {InitCommand.Promise.class})
final class InitCommand extends CommandGroup {

  InitCommand(CliContext context) {
    super(context);
  }

  @Command(
      name = "promise",
      mixinStandardHelpOptions = true,
      description = {
        "Write a Promise with an API and empty workflows, an example request and a README.",
        "  pledge init promise postgresql --group example.com --kind Database"
      })
  static final class Promise implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", description = "the Promise's name")
    String name;

    @Option(
        names = {"-g", "--group"},
        required = true,
        description = "the API group, e.g. example.com")
    String group;

    @Option(
        names = {"-k", "--kind"},
        required = true,
        description = "the request kind, e.g. Database")
    String kind;

    @Option(
        names = {"-v", "--version"},
        description = "the API version (default: v1alpha1)")
    String version;

    @Option(names = "--plural", description = "the kind's plural (default: lower-case kind + s)")
    String plural;

    @Option(
        names = {"-d", "--dir"},
        defaultValue = ".",
        description = "where to write the files (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(
        names = "--split",
        description = "api.yaml, dependencies.yaml and workflow files instead of promise.yaml")
    boolean split;

    private final CliContext context;

    Promise(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      PromiseTemplate template = PromiseTemplate.of(name, group, kind, version, plural);
      PromiseProject project = PromiseProject.at(context.workDir().resolve(dir).normalize());
      Map<String, String> files = template.files(split);
      for (String file : files.keySet()) {
        if (Files.exists(project.dir().resolve(file))) {
          throw new IllegalArgumentException(
              project.dir().resolve(file) + " already exists: nothing was written");
        }
      }
      files.forEach((file, text) -> project.writeText(Path.of(file), text));
      context
          .out()
          .println(
              name
                  + " promise bootstrapped in "
                  + (dir.toString().equals(".") ? "the current directory" : dir)
                  + ": "
                  + String.join(", ", files.keySet()));
      return 0;
    }
  }
}
