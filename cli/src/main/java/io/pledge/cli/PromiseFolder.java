package io.pledge.cli;

import io.pledge.cli.authoring.PromiseProject;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The authoring verbs' {@code --dir}: the Promise's folder, as Kratix's CLI takes it. */
final class PromiseFolder {

  @Option(
      names = {"-d", "--dir"},
      defaultValue = ".",
      description = "the Promise's folder (default: ${DEFAULT-VALUE})")
  Path dir;

  PromiseProject project(CliContext context) {
    return PromiseProject.at(context.workDir().resolve(dir).normalize());
  }
}
