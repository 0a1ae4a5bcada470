package io.pledge.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code <promise> <name> [-n namespace]}: one resource request. */
final class ResourceArgs {

  @Parameters(index = "0", paramLabel = "<promise>", description = "the Promise, e.g. postgresql")
  String promise;

  @Parameters(index = "1", paramLabel = "<name>", description = "the request's name")
  String name;

  @Option(
      names = {"-n", "--namespace"},
      defaultValue = "default",
      description = "the request's namespace (default: ${DEFAULT-VALUE})")
  String namespace;

  String path() {
    return "api/v1/resources/" + IntakeClient.path(namespace, promise, name);
  }

  String display() {
    return promise + " " + namespace + "/" + name;
  }
}
