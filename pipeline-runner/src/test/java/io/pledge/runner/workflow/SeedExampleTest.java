package io.pledge.runner.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.Promise;
import io.pledge.contract.pipeline.PipelineFailed;
import io.pledge.contract.work.Work;
import io.pledge.runner.image.CatalogLocator;
import io.pledge.runner.image.ImageCatalog;
import io.pledge.runner.image.ImageResolver;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.SandboxExecutor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the project's Postgres example (examples/postgres) as the seed scenario does. */
class SeedExampleTest {

  private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void thePostgresExampleRendersAZalandoManifest() throws Exception {
    Path example = EXAMPLES.resolve("postgres");
    assumeTrue(Files.isRegularFile(example.resolve("promise.yaml")), "no Postgres example");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap is not installed");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/yq")), "the example needs yq");
    JsonNode promiseDoc =
        KratixDocuments.readAll(Files.readString(example.resolve("promise.yaml"))).get(0);
    JsonNode request =
        KratixDocuments.readAll(Files.readString(example.resolve("request.yaml"))).get(0);
    Promise promise = KratixDocuments.convert(promiseDoc, Promise.class);
    RecordingEvents events = new RecordingEvents();
    WorkflowRunner runner =
        new WorkflowRunner(
            new PipelineRunner(
                new SandboxExecutor(Path.of("/usr/bin/bwrap"), 65536),
                new ImageResolver(
                    () ->
                        ImageCatalog.load(
                            CatalogLocator.locate(List.of("*/images.yaml"), EXAMPLES))),
                new OutputInspector(10 << 20, 1000),
                dir,
                Duration.ofSeconds(60),
                0),
            events,
            Duration.ofSeconds(5));
    ResourceKey key = new ResourceKey("default", "postgresql", "example");

    boolean completed = runner.configureResource(key, 1, request, promise, () -> false);

    assertThat(completed)
        .as("%s", events.data(EventType.PIPELINE_FAILED, PipelineFailed.class))
        .isTrue();
    Work work = events.data(EventType.WORK_UPSERTED, Work.class).get(0);
    assertThat(work.pipeline()).isEqualTo("instance-configure");
    assertThat(work.workloadGroups().get(0).workloads().get(0).filepath())
        .isEqualTo("postgres-instance.yaml");
    String manifest =
        new String(work.workloadGroups().get(0).workloads().get(0).bytes(), StandardCharsets.UTF_8);
    assertThat(manifest)
        .contains(
            "kind: postgresql",
            "name: acid-example-postgresql",
            "namespace: default",
            "size: 1Gi",
            "numberOfInstances: 1",
            "bestdb: acid");
  }
}
