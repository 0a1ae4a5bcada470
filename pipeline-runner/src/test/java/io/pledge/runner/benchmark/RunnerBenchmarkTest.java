package io.pledge.runner.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.Promise;
import io.pledge.contract.work.Work;
import io.pledge.runner.image.ImageCatalog;
import io.pledge.runner.image.ImageResolver;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.RunFolders;
import io.pledge.runner.sandbox.SandboxExecutor;
import io.pledge.runner.sandbox.StageResult;
import io.pledge.runner.sandbox.StageSpec;
import io.pledge.runner.workflow.PipelineRunner;
import io.pledge.runner.workflow.WorkflowEvents;
import io.pledge.runner.workflow.WorkflowRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measurements, not checks (excluded by default). Run:
 *
 * <pre>
 * ./mvnw -B -o test -pl pipeline-runner -Dtest=RunnerBenchmarkTest -Dgroups=benchmark -DexcludedGroups=
 * </pre>
 */
@Tag("benchmark")
class RunnerBenchmarkTest {

  private static final Path BWRAP = Path.of("/usr/bin/bwrap");
  private static final Path EXAMPLE =
      Path.of("..", "examples", "postgres").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void sandboxStartOverheadPerContainer() throws Exception {
    assumeTrue(Files.isExecutable(BWRAP), "bubblewrap is not installed");
    int runs = 200;
    SandboxExecutor sandbox = new SandboxExecutor(BWRAP, 8192);
    RunFolders folders = RunFolders.create(dir, "bench");
    StageSpec spec =
        new StageSpec(
            "true",
            List.of("/usr/bin/true"),
            null,
            Map.of("PATH", "/usr/bin:/bin"),
            null,
            folders,
            false,
            Duration.ofSeconds(10));
    for (int i = 0; i < 20; i++) {
      sandbox.run(spec, () -> false);
      plain();
    }
    long[] sandboxed = new long[runs];
    long[] direct = new long[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      StageResult result = sandbox.run(spec, () -> false);
      sandboxed[i] = System.nanoTime() - t0;
      assertThat(result.succeeded()).as("%s", result).isTrue();
      long t1 = System.nanoTime();
      plain();
      direct[i] = System.nanoTime() - t1;
    }
    double sandboxMedian = median(sandboxed);
    double directMedian = median(direct);
    System.out.printf(
        "BENCHMARK sandbox start, %d runs of `true`: bwrap median %.2f ms (p90 %.2f), plain"
            + " spawn median %.2f ms (p90 %.2f), overhead median %.2f ms per container%n",
        runs,
        sandboxMedian,
        p90(sandboxed),
        directMedian,
        p90(direct),
        sandboxMedian - directMedian);
  }

  private static void plain() throws Exception {
    Process p = new ProcessBuilder("/usr/bin/true").start();
    assertThat(p.waitFor()).isZero();
  }

  @Test
  void postgresConfigureRunsPerSecond() throws Exception {
    assumeTrue(Files.isExecutable(BWRAP), "bubblewrap is not installed");
    assumeTrue(Files.isRegularFile(EXAMPLE.resolve("promise.yaml")), "no Postgres example");
    JsonNode promiseDoc =
        KratixDocuments.readAll(Files.readString(EXAMPLE.resolve("promise.yaml"))).get(0);
    JsonNode request =
        KratixDocuments.readAll(Files.readString(EXAMPLE.resolve("request.yaml"))).get(0);
    Promise promise = KratixDocuments.convert(promiseDoc, Promise.class);
    AtomicInteger works = new AtomicInteger();
    WorkflowEvents events =
        (type, subject, data) -> {
          // Encode as the publisher does, so serialising the Work is part of the cost.
          CloudEvent event = new EventCodec("/pledge/pipeline-runner").event(type, subject, data);
          EventCodec.write(event);
          if (type == EventType.WORK_UPSERTED) {
            assertThat(((Work) data).workloadGroups()).isNotEmpty();
            works.incrementAndGet();
          }
          return CompletableFuture.completedFuture(null);
        };
    WorkflowRunner runner =
        new WorkflowRunner(
            new PipelineRunner(
                new SandboxExecutor(BWRAP, 65536),
                new ImageResolver(() -> ImageCatalog.load(List.of(EXAMPLE.resolve("images.yaml")))),
                new OutputInspector(10 << 20, 1000),
                dir.resolve("runs"),
                Duration.ofSeconds(60),
                0),
            events,
            Duration.ofSeconds(10));
    ResourceKey key = new ResourceKey("default", "postgresql", "example");
    int pipelines = promise.pipelines("resource", "configure").size();
    int containers =
        promise.pipelines("resource", "configure").stream()
            .mapToInt(p -> p.containers().size())
            .sum();
    for (int i = 0; i < 5; i++) {
      assertThat(runner.configureResource(key, 1, request, promise, () -> false)).isTrue();
    }

    int runs = 60;
    long t0 = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      assertThat(runner.configureResource(key, 1, request, promise, () -> false)).isTrue();
    }
    double sequential = runs / ((System.nanoTime() - t0) / 1e9);

    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<Boolean>> futures = new ArrayList<>();
    long t1 = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      ResourceKey k = new ResourceKey("default", "postgresql", "example" + i);
      futures.add(pool.submit(() -> runner.configureResource(k, 1, request, promise, () -> false)));
    }
    for (Future<Boolean> f : futures) {
      assertThat(f.get()).isTrue();
    }
    double parallel = runs / ((System.nanoTime() - t1) / 1e9);
    pool.shutdown();
    System.out.printf(
        "BENCHMARK Postgres resource.configure (%d pipeline(s), %d container(s)) end to end"
            + " through WorkflowRunner/PipelineRunner, object.yaml in -> Work out: %.2f runs/s"
            + " one at a time (%.0f ms per run), %.2f runs/s with 2 at once; %d Works%n",
        pipelines, containers, sequential, 1000 / sequential, parallel, works.get());
  }

  private static double median(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2] / 1e6;
  }

  private static double p90(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[(int) (sorted.length * 0.9)] / 1e6;
  }
}
