package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.cli.authoring.PromiseProject;
import io.pledge.cli.local.LocalWorkflow;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.Pipeline;
import io.pledge.contract.kratix.Promise;
import io.pledge.oci.ContainersConfig;
import io.pledge.oci.LayerScanner;
import io.pledge.oci.Skopeo;
import io.pledge.oci.Umoci;
import io.pledge.runner.image.ImageStore;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.OutputTree;
import io.pledge.runner.sandbox.SandboxExecutor;
import io.pledge.runner.sandbox.WorkflowObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pledge test}: a Promise's workflows run on this host, no services needed. */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = "Try a Promise's parts on this host, without Kafka or any Pledge service.",
    subcommands = {TestCommand.PipelineRun.class})
final class TestCommand extends CommandGroup {

  TestCommand(CliContext context) {
    super(context);
  }

  @Command(
      name = "pipeline",
      mixinStandardHelpOptions = true,
      description = {
        "Run a Promise's workflow on a request (or on the Promise itself) in the sandbox",
        "pipeline-runner uses (bubblewrap; images pulled with skopeo and unpacked with umoci),",
        "then print what each pipeline wrote to /kratix/output and /kratix/metadata.",
        "  pledge test pipeline . --input example-resource.yaml",
        "  pledge test pipeline promise.yaml --workflow promise/configure"
      })
  static final class PipelineRun implements Callable<Integer> {

    @Parameters(
        index = "0",
        paramLabel = "PROMISE",
        description = "the Promise: its file, or its folder (promise.yaml or the split files)")
    Path promisePath;

    @Option(
        names = {"-i", "--input"},
        paramLabel = "FILE",
        description = "the resource request to run a resource workflow on")
    Path input;

    @Option(
        names = {"-w", "--workflow"},
        paramLabel = "LIFECYCLE/ACTION",
        description =
            "resource/configure (default with --input), promise/configure (default without),"
                + " resource/delete or promise/delete")
    String workflow;

    @Option(
        names = "--timeout",
        defaultValue = "PT5M",
        description = "each container's limit, ISO-8601 (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--network", description = "give the containers the host's network")
    boolean network;

    @Option(
        names = "--bwrap",
        defaultValue = "/usr/bin/bwrap",
        description = "bubblewrap (default: ${DEFAULT-VALUE})")
    Path bwrap;

    private final CliContext context;

    PipelineRun(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws IOException {
      Path source = context.workDir().resolve(promisePath).normalize();
      ObjectNode document = promiseDocument(source);
      Promise promise = KratixDocuments.convert(document, Promise.class);
      String lifecycleAction =
          workflow != null ? workflow : input != null ? "resource/configure" : "promise/configure";
      String[] parts = lifecycleAction.split("/", -1);
      if (parts.length != 2
          || !List.of("promise", "resource").contains(parts[0])
          || !List.of("configure", "delete").contains(parts[1])) {
        context.err().println("error: --workflow must be promise|resource / configure|delete");
        return 2;
      }
      WorkflowObject object;
      if (parts[0].equals("resource")) {
        if (input == null) {
          context.err().println("error: a resource workflow runs on a request: give --input FILE");
          return 2;
        }
        object = LocalWorkflow.resource(request(), promise);
      } else {
        object = WorkflowObject.promise(promise.metadata().name(), document);
      }
      List<Pipeline> pipelines = promise.pipelines(parts[0], parts[1]);
      if (pipelines.isEmpty()) {
        throw new IllegalArgumentException("the Promise has no " + lifecycleAction + " pipelines");
      }
      SandboxExecutor sandbox =
          new SandboxExecutor(bwrap, 64 * 1024, cache().resolve("sandbox-etc"));
      if (sandbox.unavailableReason() != null) {
        throw new IllegalStateException(sandbox.unavailableReason());
      }
      Path runs = Files.createTempDirectory("pledge-test-pipeline");
      List<LocalWorkflow.PipelineResult> results;
      try {
        results =
            new LocalWorkflow(
                    imageStore(),
                    sandbox,
                    new OutputInspector(64L << 20, 10_000),
                    runs,
                    timeout,
                    network)
                .run(
                    object,
                    parts[1],
                    pipelines,
                    line -> {
                      context.err().println(line);
                      context.err().flush();
                    });
      } finally {
        // Each run's folders go with the run; this leaves no empty folder behind, even on failure.
        Files.deleteIfExists(runs);
      }
      boolean succeeded = true;
      for (LocalWorkflow.PipelineResult result : results) {
        if (!result.succeeded()) {
          context.err().println("error: pipeline " + result.pipeline() + ": " + result.failure());
          succeeded = false;
          continue;
        }
        print(result.pipeline(), "/kratix/output", result.output());
        print(result.pipeline(), "/kratix/metadata", result.metadata());
      }
      return succeeded ? 0 : PledgeCommand.REFUSED;
    }

    private ObjectNode promiseDocument(Path source) {
      if (Files.isDirectory(source)) {
        PromiseProject project = PromiseProject.at(source);
        String name =
            Files.exists(source.resolve(PromiseProject.PROMISE))
                ? project.promise().path("metadata").path("name").asText()
                : source.getFileName().toString();
        return project.assemble(name);
      }
      JsonNode document = KratixDocuments.readAll(read(source)).stream().findFirst().orElse(null);
      if (document == null || !"Promise".equals(document.path("kind").asText())) {
        throw new IllegalArgumentException(source + " holds no Promise");
      }
      return (ObjectNode) document;
    }

    private JsonNode request() {
      Path file = context.workDir().resolve(input).normalize();
      JsonNode request = KratixDocuments.readAll(read(file)).stream().findFirst().orElse(null);
      if (!(request instanceof ObjectNode object)) {
        throw new IllegalArgumentException(file + " holds no request");
      }
      ObjectNode metadata =
          object.path("metadata").isObject()
              ? (ObjectNode) object.path("metadata")
              : object.putObject("metadata");
      if (!metadata.hasNonNull("namespace")) {
        metadata.put("namespace", "default");
      }
      return object;
    }

    private static String read(Path file) {
      try {
        return Files.readString(file);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    private void print(String pipeline, String mount, OutputTree tree) {
      for (OutputTree.OutputFile file : tree.files()) {
        context.out().println("# " + pipeline + ": " + mount + "/" + file.path());
        String text = new String(file.bytes(), StandardCharsets.UTF_8);
        context.out().print(text.endsWith("\n") || text.isEmpty() ? text : text + "\n");
      }
    }

    /** Images unpacked once and kept, as the runner keeps them, under the user's cache. */
    private ImageStore imageStore() {
      ContainersConfig containers = ContainersConfig.fromEnvironment(context.env());
      return new ImageStore(
          new Skopeo(Path.of("skopeo"), containers),
          new Umoci(Path.of("umoci"), Duration.ofMinutes(10)),
          new LayerScanner(1_000_000, 8L << 30),
          new ImageStore.Options(
              cache().resolve("images"),
              8L << 30,
              1L << 30,
              4L << 20,
              Duration.ofMinutes(10),
              Duration.ofSeconds(1)));
    }

    private Path cache() {
      String xdg = context.env().get("XDG_CACHE_HOME");
      Path base =
          xdg != null && !xdg.isBlank()
              ? Path.of(xdg)
              : Path.of(
                  context.env().getOrDefault("HOME", System.getProperty("user.home")), ".cache");
      return base.resolve("pledge");
    }
  }
}
