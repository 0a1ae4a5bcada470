package io.pledge.runner.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.Promise;
import io.pledge.contract.pipeline.ContainerImage;
import io.pledge.contract.pipeline.PipelineFailed;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.work.Work;
import io.pledge.oci.ContainersConfig;
import io.pledge.runner.StageImages;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.SandboxExecutor;
import io.pledge.testkit.oci.ExampleImages;
import io.pledge.testkit.oci.OciRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the project's Postgres example (examples/postgres) as the seed scenario does: its Promise
 * unchanged, its images built from the example folders and pulled through the mirror the shipped
 * registries.conf declares.
 */
class SeedExampleTest {

  private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void thePostgresExampleRendersAZalandoManifest() throws Exception {
    Path example = EXAMPLES.resolve("postgres");
    Path registriesConf = ExampleImages.publish(OciRegistry.shared(), EXAMPLES.getParent());
    JsonNode promiseDoc =
        KratixDocuments.readAll(Files.readString(example.resolve("promise.yaml"))).get(0);
    JsonNode request =
        KratixDocuments.readAll(Files.readString(example.resolve("request.yaml"))).get(0);
    Promise promise = KratixDocuments.convert(promiseDoc, Promise.class);
    RecordingEvents events = new RecordingEvents();
    WorkflowRunner runner =
        new WorkflowRunner(
            new PipelineRunner(
                new SandboxExecutor(Path.of("/usr/bin/bwrap"), 65536, dir.resolve("etc")),
                StageImages.store(
                    dir.resolve("images"),
                    Duration.ofMinutes(1),
                    ContainersConfig.fromEnvironment(Map.of()).withRegistriesConf(registriesConf)),
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
    assertThat(
            events.data(EventType.PIPELINE_SUCCEEDED, PipelineSucceeded.class).get(0).containers())
        .extracting(ContainerImage::image, c -> c.imageDigest().startsWith("sha256:"))
        .containsExactly(
            tuple("ghcr.io/pledge-io/examples/postgres-configure:v1", true),
            tuple("ghcr.io/pledge-io/examples/image-scanner:v1", true));
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
