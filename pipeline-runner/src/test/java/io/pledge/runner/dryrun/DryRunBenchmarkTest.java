package io.pledge.runner.dryrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.Topics;
import io.pledge.contract.dryrun.DryRunCompleted;
import io.pledge.contract.dryrun.DryRunRequested;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.pledge.testkit.oci.ExampleImages;
import io.pledge.testkit.oci.OciRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Measurements, not checks (excluded by default): the Postgres example's dry run through the
 * running service, from publishing the request on {@code pledge.dryruns} to reading the answer on
 * {@code pledge.dryruns.replies}. Run:
 *
 * <pre>
 * ./mvnw -B -o test -pl pipeline-runner -Dtest=DryRunBenchmarkTest -Dgroups=benchmark -DexcludedGroups=
 * </pre>
 */
@Tag("benchmark")
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
// Restricted: an unrestricted test resource would give every test of the module these images.
@QuarkusTestResource(
    value = DryRunBenchmarkTest.PostgresExample.class,
    restrictToAnnotatedClass = true)
class DryRunBenchmarkTest {

  static final Path EXAMPLE = Path.of("..", "examples", "postgres").toAbsolutePath().normalize();

  /**
   * The runner under test pulls the example's images from the test registry, into a work dir of its
   * own.
   */
  public static class PostgresExample implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
      try {
        return Map.of(
            "pledge.runner.registries-conf",
                ExampleImages.publish(OciRegistry.shared(), EXAMPLE.getParent().getParent())
                    .toString(),
            "pledge.runner.work-dir",
                Files.createTempDirectory("pledge-dry-run-bench").resolve("runner").toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void stop() {}

    /** Started after (and so overriding) the module's StageImagesResource, which also applies. */
    @Override
    public int order() {
      return 100;
    }
  }

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @Test
  void postgresDryRunLatency() throws Exception {
    EventCodec intake = new EventCodec("/pledge/request-intake");
    JsonNode promise =
        KratixDocuments.readAll(Files.readString(EXAMPLE.resolve("promise.yaml"))).get(0);
    JsonNode request =
        KratixDocuments.readAll(Files.readString(EXAMPLE.resolve("request.yaml"))).get(0);
    String name = promise.path("metadata").path("name").asText();
    ResourceKey key =
        new ResourceKey(
            request.path("metadata").path("namespace").asText("default"),
            name,
            request.path("metadata").path("name").asText());
    try (EventProbe probe = new EventProbe(bootstrap, Topics.STATUS, Topics.DRY_RUN_REPLIES)) {
      probe.publish(
          Topics.PROMISES,
          intake.event(EventType.PROMISE_APPLIED, name, new PromiseApplied(name, 1, promise)));
      probe.await(EventType.WORKFLOW_COMPLETED.type(), name, Duration.ofSeconds(60));

      int warmup = 5;
      int runs = 40;
      long[] nanos = new long[runs];
      long[] runner = new long[runs];
      for (int i = 0; i < warmup + runs; i++) {
        String id = UUID.randomUUID().toString();
        long t0 = System.nanoTime();
        probe.publish(
            Topics.DRY_RUNS,
            intake.event(
                EventType.DRY_RUN_REQUESTED,
                key.toString(),
                new DryRunRequested(id, key, 1, request, "bench", Instant.now().plusSeconds(30))));
        CloudEvent reply =
            probe.await(
                e ->
                    EventType.DRY_RUN_COMPLETED.type().equals(e.type())
                        && id.equals(e.data().path("correlationId").asText()),
                Duration.ofSeconds(30));
        long took = System.nanoTime() - t0;
        DryRunCompleted answer = EventCodec.data(reply, DryRunCompleted.class);
        assertThat(answer.outcome())
            .as("%s", answer.failure())
            .isEqualTo(DryRunCompleted.SUCCEEDED);
        if (i >= warmup) {
          nanos[i - warmup] = took;
          runner[i - warmup] = answer.durationMillis() * 1_000_000;
        }
      }
      System.out.printf(
          "BENCHMARK Postgres dry run (examples/postgres, %d runs one at a time): request published"
              + " -> answer read median %.0f ms, p90 %.0f ms, max %.0f ms; runner's own time"
              + " median %.0f ms%n",
          runs, pct(nanos, 0.5), pct(nanos, 0.9), pct(nanos, 1.0), pct(runner, 0.5));
    }
  }

  private static double pct(long[] nanos, double p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
  }
}
