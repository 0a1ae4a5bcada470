package io.pledge.runner.workflow;

import static io.pledge.runner.workflow.Pipelines.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.Promise;
import io.pledge.contract.work.Work;
import io.pledge.runner.StageImages;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.SandboxExecutor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner killed in the middle of a workflow, after its Work went out but before the request was
 * acknowledged, loses nothing: a fresh runner given the same record runs the workflow again and
 * publishes a Work identical to the byte, so nothing downstream changes twice.
 */
class CrashSafetyTest {

  private static final ResourceKey KEY = ResourceKey.parse("team-a/pg/db1");
  private static final JsonNode RESOURCE =
      yaml(
          "apiVersion: example.io/v1\nkind: Pg\n"
              + "metadata: {name: db1, namespace: team-a, generation: 3}\nspec: {size: small}\n");

  @TempDir Path dir;

  /** Records events; a Work is "sent" but the broker never acknowledges it (the crash point). */
  private static final class HangingEvents extends RecordingEventsAccess {
    @Override
    public CompletableFuture<Void> publish(EventType type, String subject, Object data) {
      CompletableFuture<Void> sent = super.publish(type, subject, data);
      return type == EventType.WORK_UPSERTED ? new CompletableFuture<>() : sent;
    }
  }

  /** Gives the test access to RecordingEvents' list while overriding publish. */
  private static class RecordingEventsAccess implements WorkflowEvents {
    final RecordingEvents recorded = new RecordingEvents();

    @Override
    public CompletableFuture<Void> publish(EventType type, String subject, Object data) {
      return recorded.publish(type, subject, data);
    }
  }

  private WorkflowRunner runner(StageImages images, WorkflowEvents events, String runs) {
    return new WorkflowRunner(
        new PipelineRunner(
            new SandboxExecutor(Path.of("/usr/bin/bwrap"), 8192, dir.resolve("etc")),
            images.store(),
            new OutputInspector(1_000_000, 100),
            dir.resolve(runs),
            Duration.ofSeconds(20),
            0),
        events,
        Duration.ofSeconds(60));
  }

  @Test
  void aRunKilledBeforeItsAcknowledgementIsRedoneWithAByteIdenticalWork() throws Exception {
    StageImages images =
        new StageImages(dir.resolve("images"))
            .add(
                "render:v1",
                """
                #!/bin/sh
                set -eu
                mkdir -p /kratix/output/db /kratix/output/app
                for i in 3 1 2; do
                  echo "kind: ConfigMap\\nname: part-$i\\nsize: small" > /kratix/output/db/part-$i.yaml
                done
                echo "kind: Deployment" > /kratix/output/app/deploy.yaml
                printf -- '- directory: app\\n  matchLabels: {tier: apps}\\n' \\
                  > /kratix/metadata/destination-selectors.yaml
                echo "message: rendered" > /kratix/metadata/status.yaml
                """);
    PromiseRegistry registry = registryWithRenderPromise();

    // First runner: the Work goes out, the broker never confirms, the process is killed.
    HangingEvents first = new HangingEvents();
    AtomicInteger firstAcks = new AtomicInteger();
    WorkflowSequencer killed = new WorkflowSequencer(j -> null, 2, 10, Duration.ofMillis(10));
    killed.submit(
        new ResourceJob(
            KEY,
            3,
            RESOURCE,
            ResourceJob.Action.CONFIGURE,
            registry,
            runner(images, first, "runs-1"),
            firstAcks::incrementAndGet,
            "event-1",
            false,
            null));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !first.recorded.data(EventType.WORK_UPSERTED, Work.class).isEmpty());
    killed.close();
    assertThat(firstAcks.get()).as("the record was never acknowledged").isZero();
    assertThat(first.recorded.types()).contains("pledge.pipeline.started");

    // A fresh runner (new folders, new sequencer) gets the same record again.
    RecordingEvents second = new RecordingEvents();
    AtomicInteger secondAcks = new AtomicInteger();
    WorkflowSequencer fresh = new WorkflowSequencer(j -> null, 2, 10, Duration.ofMillis(10));
    try {
      fresh.submit(
          new ResourceJob(
              KEY,
              3,
              RESOURCE,
              ResourceJob.Action.CONFIGURE,
              registry,
              runner(images, second, "runs-2"),
              secondAcks::incrementAndGet,
              "event-1",
              false,
              null));
      await().atMost(Duration.ofSeconds(20)).until(() -> secondAcks.get() == 1);
    } finally {
      fresh.close();
    }

    String before =
        EventCodec.JSON.writeValueAsString(
            first.recorded.data(EventType.WORK_UPSERTED, Work.class).get(0));
    String after =
        EventCodec.JSON.writeValueAsString(second.data(EventType.WORK_UPSERTED, Work.class).get(0));
    assertThat(after).isEqualTo(before);
    Work work = second.data(EventType.WORK_UPSERTED, Work.class).get(0);
    assertThat(work.generation()).isEqualTo(3);
    assertThat(work.workloadGroups()).hasSize(2);
    assertThat(second.types()).contains("pledge.workflow.completed");
  }

  /**
   * Issue #15: the runner that ran generations 3 and 4 of a key died before committing its offset;
   * the partition's new owner gets both requests again. They are acknowledged without running (an
   * old generation run after a newer one would have the writer commit the older output last); the
   * next generation runs.
   */
  @Test
  void requestsDeliveredAgainAfterANewerGenerationRanAreSkipped() throws Exception {
    StageImages images =
        new StageImages(dir.resolve("images"))
            .add(
                "render:v1",
                """
                #!/bin/sh
                mkdir -p /kratix/output && echo "kind: ConfigMap" > /kratix/output/cm.yaml
                """);
    PromiseRegistry registry = registryWithRenderPromise();
    ResourceIndex index = new ResourceIndex();
    index.caughtUp(true);
    // What the dead owner recorded after running generation 4 (request event "event-4").
    index.loaded(new ResourceIndex.Entry(KEY, 4, RESOURCE, "event-4", Instant.now()));

    RecordingEvents events = new RecordingEvents();
    AtomicInteger acks = new AtomicInteger();
    WorkflowSequencer sequencer = new WorkflowSequencer(j -> null, 2, 10, Duration.ofMillis(10));
    try {
      for (String[] request : new String[][] {{"3", "event-3"}, {"4", "event-4"}}) {
        sequencer.submit(job(registry, images, events, acks, index, request));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> acks.get() == 2);
      assertThat(events.types()).as("nothing ran").isEmpty();

      sequencer.submit(job(registry, images, events, acks, index, new String[] {"5", "event-5"}));
      await().atMost(Duration.ofSeconds(20)).until(() -> acks.get() == 3);
      assertThat(events.data(EventType.WORK_UPSERTED, Work.class))
          .extracting(Work::generation)
          .containsExactly(5L);
      assertThat(index.get(KEY).orElseThrow().generation()).isEqualTo(5);
    } finally {
      sequencer.close();
    }
  }

  private ResourceJob job(
      PromiseRegistry registry,
      StageImages images,
      RecordingEvents events,
      AtomicInteger acks,
      ResourceIndex index,
      String[] request) {
    return new ResourceJob(
        KEY,
        Long.parseLong(request[0]),
        RESOURCE,
        ResourceJob.Action.CONFIGURE,
        registry,
        runner(images, events, "runs-" + request[0]),
        acks::incrementAndGet,
        request[1],
        false,
        index);
  }

  /** The Promise {@code pg}, Available, whose one configure pipeline runs {@code render:v1}. */
  private static PromiseRegistry registryWithRenderPromise() {
    Promise promise =
        Pipelines.promise(
            """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Promise
            metadata: {name: pg}
            spec:
              workflows:
                resource:
                  configure:
                    - metadata: {name: render}
                      spec: {containers: [{name: c, image: "render:v1"}]}
            """);
    PromiseRegistry registry = new PromiseRegistry();
    JsonNode promiseDoc = KratixDocuments.JSON.valueToTree(promise);
    PromiseRegistry.Entry entry = registry.applied("pg", 1, promise, promiseDoc).orElseThrow();
    registry.configured("pg", entry.digest(), true);
    return registry;
  }
}
