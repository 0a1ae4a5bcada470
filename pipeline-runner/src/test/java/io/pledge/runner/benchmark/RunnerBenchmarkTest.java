package io.pledge.runner.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.Promise;
import io.pledge.contract.work.Work;
import io.pledge.runner.StageImages;
import io.pledge.runner.image.ImageStore;
import io.pledge.runner.image.LaunchPlan;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.RunFolders;
import io.pledge.runner.sandbox.SandboxExecutor;
import io.pledge.runner.sandbox.StageResult;
import io.pledge.runner.sandbox.StageSpec;
import io.pledge.runner.workflow.PipelineRunner;
import io.pledge.runner.workflow.WorkflowEvents;
import io.pledge.runner.workflow.WorkflowRunner;
import io.pledge.testkit.oci.ExampleImages;
import io.pledge.testkit.oci.OciRegistry;
import io.pledge.testkit.oci.TestImages;
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
  void cachedImageStageOverheadAndFirstPull() throws Exception {
    StageImages images = new StageImages(dir.resolve("images"));
    String script = "#!/bin/sh\necho x > /kratix/output/x\n";
    images.add("pledge.io/bench/stage:v1", script);
    ImageStore store = images.store();
    SandboxExecutor sandbox = new SandboxExecutor(BWRAP, 8192, dir.resolve("etc"));
    RunFolders folders = RunFolders.create(dir, "bench");
    String rootfs;
    try (ImageStore.Lease lease = store.acquire("pledge.io/bench/stage:v1", null, () -> false)) {
      rootfs = lease.image().rootfs().toString();
    }
    // Bare: the same script, the same sandbox, the same root filesystem, no image handling.
    StageSpec bare =
        new StageSpec(
            "bare",
            List.of("/usr/local/bin/entrypoint"),
            Path.of(rootfs),
            Map.of("PATH", "/usr/local/bin:/usr/bin:/bin"),
            null,
            folders,
            false,
            Duration.ofSeconds(10),
            0,
            0);
    int runs = 200;
    long[] viaImage = new long[runs];
    long[] direct = new long[runs];
    for (int i = -20; i < runs; i++) {
      long t0 = System.nanoTime();
      try (ImageStore.Lease lease = store.acquire("pledge.io/bench/stage:v1", null, () -> false)) {
        LaunchPlan plan =
            LaunchPlan.of(
                lease.image().config(),
                null,
                null,
                Map.of(),
                null,
                Map.of(),
                lease.image().rootfs());
        StageResult result =
            sandbox.run(
                new StageSpec(
                    "stage",
                    plan.argv(),
                    lease.image().rootfs(),
                    plan.env(),
                    plan.workingDir(),
                    folders,
                    false,
                    Duration.ofSeconds(10),
                    plan.uid(),
                    plan.gid()),
                () -> false);
        assertThat(result.succeeded()).as("%s", result).isTrue();
      }
      long t1 = System.nanoTime();
      assertThat(sandbox.run(bare, () -> false).succeeded()).isTrue();
      long t2 = System.nanoTime();
      if (i >= 0) {
        viaImage[i] = t1 - t0;
        direct[i] = t2 - t1;
      }
    }
    System.out.printf(
        "BENCHMARK stage on a cached image, %d runs: median %.2f ms (p90 %.2f); the same script"
            + " bare in the same sandbox: median %.2f ms (p90 %.2f); overhead median %.2f ms%n",
        runs,
        median(viaImage),
        p90(viaImage),
        median(direct),
        p90(direct),
        median(viaImage) - median(direct));

    // First pull: a fresh cache each time, an image with a 5 MB layer that does not compress.
    byte[] random = new byte[5 << 20];
    new java.util.Random(42).nextBytes(random);
    Path context = Files.createDirectories(dir.resolve("big"));
    Files.write(context.resolve("blob.bin"), random);
    TestImages builder = new TestImages(OciRegistry.shared(), dir.resolve("big-build"));
    Files.writeString(
        context.resolve("Containerfile"), "FROM " + builder.busybox() + "\nCOPY blob.bin /data/\n");
    builder.build(context, OciRegistry.shared().reference("pledge-bench/five-mb:v1"));
    int pulls = 10;
    long[] pullTimes = new long[pulls];
    for (int i = 0; i < pulls; i++) {
      ImageStore fresh =
          StageImages.store(
              dir.resolve("fresh-" + i),
              Duration.ofMinutes(1),
              io.pledge.oci.ContainersConfig.fromEnvironment(Map.of()));
      long t0 = System.nanoTime();
      try (ImageStore.Lease lease =
          fresh.acquire(
              OciRegistry.shared().reference("pledge-bench/five-mb:v1"), null, () -> false)) {
        pullTimes[i] = System.nanoTime() - t0;
        assertThat(lease.image().rootfs().resolve("data/blob.bin")).hasSize(5 << 20);
      }
    }
    System.out.printf(
        "BENCHMARK first pull of a 5 MB image (busybox base + 5 MiB random layer) from the"
            + " loopback registry into an empty cache, %d pulls: median %.0f ms (p90 %.0f)%n",
        pulls, median(pullTimes), p90(pullTimes));
  }

  @Test
  void postgresConfigureRunsPerSecond() throws Exception {
    Path registriesConf =
        ExampleImages.publish(OciRegistry.shared(), EXAMPLE.getParent().getParent());
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
                new SandboxExecutor(BWRAP, 65536, dir.resolve("etc")),
                StageImages.store(
                    dir.resolve("cache"),
                    Duration.ofMinutes(1),
                    io.pledge.oci.ContainersConfig.fromEnvironment(Map.of())
                        .withRegistriesConf(registriesConf)),
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
