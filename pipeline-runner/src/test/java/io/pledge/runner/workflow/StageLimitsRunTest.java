package io.pledge.runner.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.kratix.Pipeline;
import io.pledge.oci.ContainersConfig;
import io.pledge.runner.StageImages;
import io.pledge.runner.config.Quantities;
import io.pledge.runner.outcome.PipelineOutcome;
import io.pledge.runner.sandbox.ContainerLimits;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.SandboxExecutor;
import io.pledge.runner.sandbox.StageLimits;
import io.pledge.runner.sandbox.StageResult;
import io.pledge.runner.sandbox.WorkflowObject;
import io.pledge.testkit.oci.OciRegistry;
import io.pledge.testkit.oci.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Promise's containers ask for their limits as Kratix's do ({@code resources.limits}); the
 * sandbox grants them within the platform's maximum, and refuses more.
 */
class StageLimitsRunTest {

  private static final long MIB = 1 << 20;

  @TempDir Path dir;
  TestImages images;
  PipelineRunner runner;
  final List<String> finished = new ArrayList<>();

  final WorkflowObject object =
      WorkflowObject.resource(
          ResourceKey.parse("team-a/postgresql/db1"),
          Pipelines.yaml(
              "apiVersion: workshop.kratix.io/v1\nkind: postgresql\n"
                  + "metadata: {name: db1, namespace: team-a}\nspec: {size: small}\n"),
          Pipelines.promise(
              "apiVersion: platform.kratix.io/v1alpha1\nkind: Promise\nmetadata: {name: postgresql}\n"));

  @BeforeEach
  void setUp() {
    images = new TestImages(OciRegistry.shared(), dir.resolve("build"));
    StageLimits defaults =
        new StageLimits(
            new StageLimits.Limit(256 * MIB, "pledge.runner.limits.memory"),
            new StageLimits.Limit(64, "pledge.runner.limits.pids"),
            new StageLimits.Limit(16 * MIB, "pledge.runner.limits.tmp-size"),
            new StageLimits.Limit(MIB, "pledge.runner.max-output-bytes"),
            new StageLimits.Limit(20, "pledge.runner.max-output-files"));
    runner =
        new PipelineRunner(
            new SandboxExecutor(Path.of("/usr/bin/bwrap"), 8192, dir.resolve("etc")),
            StageImages.store(
                dir.resolve("cache"),
                Duration.ofSeconds(30),
                ContainersConfig.fromEnvironment(Map.of())),
            new OutputInspector(MIB, 20),
            dir.resolve("runs"),
            Duration.ofSeconds(20),
            0,
            null,
            new ContainerLimits(
                defaults,
                new StageLimits.Limit(512 * MIB, "pledge.runner.limits.max.memory"),
                new StageLimits.Limit(64 * MIB, "pledge.runner.limits.max.tmp-size"),
                Quantities::bytes));
  }

  /** A container that writes the limits it sees to {@code /kratix/output/<name>.txt}. */
  Pipeline.Container reporter(String name, JsonNode resources) {
    String ref =
        images.script(
            "limits/report-" + Long.toHexString(System.nanoTime()) + ":v1",
            "#!/bin/sh\n"
                + "{ grep 'Max data size' /proc/self/limits | tr -s ' ' | cut -d' ' -f4;"
                + " df -k /tmp | tail -1 | tr -s ' ' | cut -d' ' -f2; }"
                + " > /kratix/output/$1.txt\n");
    return new Pipeline.Container(name, ref, null, List.of(name), null, null, null, resources);
  }

  static JsonNode limits(String yaml) {
    return Pipelines.yaml("limits: " + yaml);
  }

  PipelineOutcome run(Pipeline.Container... containers) {
    return runner.run(
        new PipelineRunner.Request(
            object,
            "configure",
            Pipelines.pipeline("p", null, containers),
            JsonNodeFactory.instance.objectNode(),
            Map.of()),
        new PipelineRunner.Listener() {
          @Override
          public void attemptStarted(int attempt) {}

          @Override
          public void containerFinished(String container, StageResult result, int attempt) {
            finished.add(container);
          }
        },
        () -> false);
  }

  @Test
  void aContainersResourceLimitsWithinTheMaximumAreWhatItGets() {
    PipelineOutcome outcome =
        run(
            reporter("asks", limits("{memory: 300Mi, ephemeral-storage: 32Mi, cpu: 500m}")),
            reporter("default", null));

    assertThat(outcome).as(outcome.toString()).isInstanceOf(PipelineOutcome.Succeeded.class);
    Map<String, String> files = ImageRunTest.outputs((PipelineOutcome.Succeeded) outcome);
    assertThat(files.get("asks.txt")).isEqualTo(300 * MIB + "\n" + 32 * 1024 + "\n");
    assertThat(files.get("default.txt")).isEqualTo(256 * MIB + "\n" + 16 * 1024 + "\n");
  }

  @Test
  void aContainerAskingMoreThanTheMaximumIsRefusedBeforeAnythingRuns() {
    PipelineOutcome outcome =
        run(reporter("first", null), reporter("greedy", limits("{memory: 4Gi}")));

    assertThat(outcome).isInstanceOf(PipelineOutcome.Failed.class);
    PipelineOutcome.Failed failed = (PipelineOutcome.Failed) outcome;
    assertThat(failed.container()).isEqualTo("greedy");
    assertThat(failed.reason())
        .isEqualTo(
            "resources.limits.memory of container greedy asks for 4Gi, above the platform's"
                + " maximum 512Mi (pledge.runner.limits.max.memory)");
    assertThat(finished).isEmpty();
  }

  @Test
  void aQuantityThatDoesNotReadIsRefused() {
    PipelineOutcome outcome = run(reporter("odd", limits("{ephemeral-storage: lots}")));

    assertThat(((PipelineOutcome.Failed) outcome).reason())
        .isEqualTo(
            "resources.limits.ephemeral-storage of container odd is \"lots\", not a quantity such"
                + " as 512Mi");
  }

  @Test
  void aStageOverItsGrantedMemoryFailsNamingTheContainersLimit() {
    String hog =
        images.script(
            "limits/hog-" + Long.toHexString(System.nanoTime()) + ":v1",
            "#!/bin/sh\nawk 'BEGIN { s = \"x\"; while (1) s = s s }'\n");

    PipelineOutcome outcome =
        run(
            new Pipeline.Container(
                "hog", hog, null, null, null, null, null, limits("{memory: 100Mi}")));

    PipelineOutcome.Failed failed = (PipelineOutcome.Failed) outcome;
    assertThat(failed.container()).isEqualTo("hog");
    assertThat(failed.reason())
        .isEqualTo(
            "container hog exceeded the memory limit 100Mi (resources.limits.memory of container"
                + " hog)");
    assertThat(failed.stderrTail()).contains("out of memory");
  }
}
