package io.pledge.runner.workflow;

import static io.pledge.runner.workflow.Pipelines.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.Promise;
import io.pledge.contract.pipeline.PipelineFailed;
import io.pledge.contract.pipeline.PipelineLog;
import io.pledge.contract.pipeline.PipelineStarted;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.pipeline.WorkflowCompleted;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkWithdrawn;
import io.pledge.runner.StageImages;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.SandboxExecutor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowRunnerTest {

  private static final ResourceKey KEY = ResourceKey.parse("team-a/pg/db1");
  private static final JsonNode RESOURCE =
      yaml(
          "apiVersion: example.io/v1\nkind: Pg\nmetadata: {name: db1, namespace: team-a}\nspec: {size: small}\n");

  @TempDir Path dir;

  private StageImages images;
  private RecordingEvents events;
  private WorkflowRunner runner;

  @BeforeEach
  void setUp() {
    images = new StageImages(dir.resolve("images"));
    events = new RecordingEvents();
    PipelineRunner pipelines =
        new PipelineRunner(
            new SandboxExecutor(Path.of("/usr/bin/bwrap"), 8192, dir.resolve("etc")),
            images.store(),
            new OutputInspector(1_000_000, 100),
            dir.resolve("runs"),
            Duration.ofSeconds(20),
            0);
    runner =
        new WorkflowRunner(pipelines, events, Duration.ofSeconds(5))
            .withRetryPolicy(new RetryPolicy(Duration.ofSeconds(1), 3));
  }

  private static Promise promise(String workflows) {
    return Pipelines.promise(
        """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata: {name: pg}
        spec:
          destinationSelectors: [{matchLabels: {env: dev}}]
        """
            + workflows);
  }

  @Test
  void passesStatusFromPipelineToPipelineAndPublishesAWorkForEach() {
    images
        .add(
            "one:v1",
            "#!/bin/sh\nprintf 'message: one\\nport: 5432\\n' > /kratix/metadata/status.yaml\n"
                + "echo '- {channel: slack, message: port open}' > /kratix/metadata/notifications.yaml\n"
                + "echo a > /kratix/output/a.yaml\n")
        .add("two:v1", "#!/bin/sh\ngrep -q 'port: 5432' /kratix/input/object.yaml || exit 9\n");
    Promise promise =
        promise(
            """
              workflows:
                resource:
                  configure:
                    - metadata: {name: first}
                      spec: {containers: [{name: c1, image: "one:v1"}]}
                    - metadata: {name: second}
                      spec: {containers: [{name: c2, image: "two:v1"}]}
            """);

    boolean completed = runner.configureResource(KEY, 3, RESOURCE, promise, () -> false);

    assertThat(completed).isTrue();
    assertThat(events.statusTypes())
        .containsExactly(
            "pledge.pipeline.started",
            "pledge.pipeline.succeeded",
            "pledge.work.upserted",
            "pledge.pipeline.started",
            "pledge.pipeline.succeeded",
            "pledge.work.upserted",
            "pledge.workflow.completed");
    List<PipelineStarted> started = events.data(EventType.PIPELINE_STARTED, PipelineStarted.class);
    assertThat(started).extracting(PipelineStarted::index).containsExactly(0, 1);
    assertThat(started.get(0).total()).isEqualTo(2);
    assertThat(started.get(0).workflow().generation()).isEqualTo(3);
    List<PipelineSucceeded> succeeded =
        events.data(EventType.PIPELINE_SUCCEEDED, PipelineSucceeded.class);
    assertThat(succeeded.get(0).status().get("port").asInt()).isEqualTo(5432);
    assertThat(succeeded.get(1).status()).isNull();
    assertThat(succeeded.get(0).notifications().get(0).get("message").asText())
        .isEqualTo("port open");
    assertThat(succeeded.get(1).notifications()).isNull();
    List<Work> works = events.data(EventType.WORK_UPSERTED, Work.class);
    assertThat(works).extracting(Work::pipeline).containsExactly("first", "second");
    assertThat(works.get(0).workloadGroups()).hasSize(1);
    assertThat(works.get(1).workloadGroups()).isEmpty();
    assertThat(works.get(0))
        .extracting(
            Work::key, Work::workType, Work::promise, Work::resourceNamespace, Work::resourceName)
        .containsExactly("team-a/pg/db1", "resource", "pg", "team-a", "db1");
    assertThat(events.data(EventType.WORKFLOW_COMPLETED, WorkflowCompleted.class).get(0).works())
        .containsExactly("first", "second");
    assertThat(events.data(EventType.PIPELINE_LOG, PipelineLog.class))
        .extracting(PipelineLog::container)
        .containsExactly("c1", "c2");
  }

  @Test
  void aFailedPipelineStopsTheWorkflow() {
    images.add("bad:v1", "#!/bin/sh\necho broken >&2\nexit 2\n").add("never:v1", "#!/bin/sh\n");
    Promise promise =
        promise(
            """
              workflows:
                resource:
                  configure:
                    - metadata: {name: first}
                      spec: {containers: [{name: c1, image: "bad:v1"}]}
                    - metadata: {name: second}
                      spec: {containers: [{name: c2, image: "never:v1"}]}
            """);

    boolean completed = runner.configureResource(KEY, 1, RESOURCE, promise, () -> false);

    assertThat(completed).isFalse();
    assertThat(events.statusTypes())
        .containsExactly("pledge.pipeline.started", "pledge.pipeline.failed");
    PipelineFailed failed = events.data(EventType.PIPELINE_FAILED, PipelineFailed.class).get(0);
    assertThat(failed.pipeline()).isEqualTo("first");
    assertThat(failed.container()).isEqualTo("c1");
    assertThat(failed.exitCode()).isEqualTo(2);
    assertThat(failed.stderrTail()).isEqualTo("broken");
  }

  @Test
  void aSuspendedPipelineIsReportedAndProducesNoWork() {
    images.add(
        "wait:v1", "#!/bin/sh\necho 'suspend: true' > /kratix/metadata/workflow-control.yaml\n");
    Promise promise =
        promise(
            """
              workflows:
                resource:
                  configure:
                    - metadata: {name: gate}
                      spec: {containers: [{name: c, image: "wait:v1"}]}
            """);

    runner.configureResource(KEY, 1, RESOURCE, promise, () -> false);

    assertThat(events.statusTypes())
        .containsExactly("pledge.pipeline.started", "pledge.pipeline.failed");
    assertThat(events.data(EventType.PIPELINE_FAILED, PipelineFailed.class).get(0).reason())
        .startsWith("suspended");
  }

  @Test
  void retryAfterHandsTheRunBackToResumeAtThatPipelineUntilMaxAttempts() {
    images
        .add("ok:v1", "#!/bin/sh\necho 'message: first done' > /kratix/metadata/status.yaml\n")
        .add(
            "wait:v1",
            "#!/bin/sh\nprintf 'retryAfter: 2s\\nmaxAttempts: 2\\n'"
                + " > /kratix/metadata/workflow-control.yaml\n");
    Promise promise =
        promise(
            """
              workflows:
                resource:
                  configure:
                    - metadata: {name: first}
                      spec: {containers: [{name: c, image: "ok:v1"}]}
                    - metadata: {name: gate}
                      spec: {containers: [{name: c, image: "wait:v1"}]}
            """);

    WorkflowRunner.RetryLaterException later =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            WorkflowRunner.RetryLaterException.class,
            () -> runner.configureResource(KEY, 1, RESOURCE, promise, "evt", null, () -> false));

    assertThat(later.delay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(later.resume().pipeline()).isEqualTo(1);
    assertThat(later.resume().runs()).isEqualTo(1);
    assertThat(later.resume().completed()).containsExactly("first");
    assertThat(later.resume().status().get("message").asText()).isEqualTo("first done");
    assertThat(events.data(EventType.PIPELINE_FAILED, PipelineFailed.class).get(0).reason())
        .isEqualTo("suspended: retry after PT2S (run 1 of maxAttempts 2)");

    boolean completed =
        runner.configureResource(KEY, 1, RESOURCE, promise, "evt", later.resume(), () -> false);

    assertThat(completed).isFalse();
    assertThat(events.data(EventType.PIPELINE_STARTED, PipelineStarted.class))
        .extracting(PipelineStarted::pipeline)
        .containsExactly("first", "gate", "gate");
    assertThat(events.data(EventType.PIPELINE_FAILED, PipelineFailed.class).get(1).reason())
        .isEqualTo("retry limit reached: the pipeline ran 2 of maxAttempts 2");
    assertThat(events.data(EventType.WORK_UPSERTED, Work.class)).hasSize(1);
    assertThat(events.types()).doesNotContain("pledge.workflow.completed");
  }

  @Test
  void retryAfterZeroWaitsTheMinimumAndStopsAtTheDefaultLimit() {
    images.add(
        "eager:v1", "#!/bin/sh\necho 'retryAfter: 0s' > /kratix/metadata/workflow-control.yaml\n");
    Promise promise =
        promise(
            """
              workflows:
                resource:
                  configure:
                    - metadata: {name: poll}
                      spec: {containers: [{name: c, image: "eager:v1"}]}
            """);

    WorkflowRunner.Resume resume = null;
    for (int run = 1; run < 3; run++) {
      WorkflowRunner.Resume from = resume;
      WorkflowRunner.RetryLaterException later =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              WorkflowRunner.RetryLaterException.class,
              () -> runner.configureResource(KEY, 1, RESOURCE, promise, "evt", from, () -> false));
      assertThat(later).as("run %d asks for a retry", run).isNotNull();
      assertThat(later.delay()).isEqualTo(Duration.ofSeconds(1));
      resume = later.resume();
    }
    boolean completed =
        runner.configureResource(KEY, 1, RESOURCE, promise, "evt", resume, () -> false);

    assertThat(completed).isFalse();
    assertThat(events.data(EventType.PIPELINE_STARTED, PipelineStarted.class)).hasSize(3);
    assertThat(events.data(EventType.PIPELINE_FAILED, PipelineFailed.class))
        .extracting(PipelineFailed::reason)
        .containsExactly(
            "suspended: retry after PT1S, asked PT0S, at least pledge.runner.min-retry-after"
                + " (run 1 of 3 allowed without maxAttempts)",
            "suspended: retry after PT1S, asked PT0S, at least pledge.runner.min-retry-after"
                + " (run 2 of 3 allowed without maxAttempts)",
            "retry limit reached: the pipeline ran 3 times, the most allowed without maxAttempts"
                + " in workflow-control.yaml (pledge.runner.default-retry-attempts)");
    assertThat(events.types()).doesNotContain("pledge.work.upserted", "pledge.workflow.completed");
  }

  @Test
  void deleteRunsTheFirstDeletePipelineThenWithdrawsTheWorks() {
    images
        .add(
            "bye:v1",
            "#!/bin/sh\necho \"message: $KRATIX_WORKFLOW_ACTION\" > /kratix/metadata/status.yaml\n")
        .add("unused:v1", "#!/bin/sh\nexit 1\n");
    Promise promise =
        promise(
            """
              workflows:
                resource:
                  delete:
                    - metadata: {name: cleanup}
                      spec: {containers: [{name: c, image: "bye:v1"}]}
                    - metadata: {name: ignored}
                      spec: {containers: [{name: c, image: "unused:v1"}]}
            """);

    boolean completed = runner.deleteResource(KEY, 4, RESOURCE, promise, () -> false);

    assertThat(completed).isTrue();
    assertThat(events.statusTypes())
        .containsExactly(
            "pledge.pipeline.started",
            "pledge.pipeline.succeeded",
            "pledge.work.withdrawn",
            "pledge.workflow.completed");
    assertThat(
            events
                .data(EventType.PIPELINE_SUCCEEDED, PipelineSucceeded.class)
                .get(0)
                .status()
                .get("message")
                .asText())
        .isEqualTo("delete");
    WorkWithdrawn withdrawn = events.data(EventType.WORK_WITHDRAWN, WorkWithdrawn.class).get(0);
    assertThat(withdrawn.pipelines()).isEmpty();
    assertThat(withdrawn.workType()).isEqualTo("resource");
    WorkflowCompleted done =
        events.data(EventType.WORKFLOW_COMPLETED, WorkflowCompleted.class).get(0);
    assertThat(done.workflow().action()).isEqualTo("delete");
    assertThat(done.works()).isEmpty();
  }

  @Test
  void deleteOfAResourceWhosePromiseIsGoneOnlyWithdrawsItsWorks() {
    runner.deleteResource(KEY, 2, RESOURCE, null, () -> false);

    assertThat(events.statusTypes())
        .containsExactly("pledge.work.withdrawn", "pledge.workflow.completed");
  }

  @Test
  void aPromiseWorkflowPublishesItsDependenciesAndItsPipelinesWorks() {
    images.add(
        "promise:v1",
        "#!/bin/sh\necho \"$KRATIX_OBJECT_KIND $KRATIX_CLUSTER_SCOPED\" > /kratix/output/p.txt\n"
            + "printf 'message: ready\\nextra: dropped\\n' > /kratix/metadata/status.yaml\n");
    JsonNode document =
        yaml(
            """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Promise
            metadata: {name: pg}
            spec:
              destinationSelectors: [{matchLabels: {env: dev}}]
              dependencies:
                - {apiVersion: v1, kind: Namespace, metadata: {name: pg-operator}}
                - {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: pg-operator}}
              workflows:
                promise:
                  configure:
                    - metadata: {name: promise-configure}
                      spec: {containers: [{name: c, image: "promise:v1"}]}
            """);
    Promise promise = EventCodec.convert(document, Promise.class);

    boolean completed = runner.configurePromise("pg", 2, promise, document, () -> false);

    assertThat(completed).isTrue();
    List<Work> works = events.data(EventType.WORK_UPSERTED, Work.class);
    assertThat(works).extracting(Work::workType).containsExactly("static-dependency", "promise");
    Work deps = works.get(0);
    assertThat(deps.pipeline()).isNull();
    assertThat(deps.workloadGroups().get(0).id()).isEqualTo("5058f1af8388633f609cadb75a75dc9d");
    assertThat(deps.workloadGroups().get(0).workloads().get(0).filepath())
        .isEqualTo("static/pg-dependencies.yaml");
    assertThat(
            new String(
                deps.workloadGroups().get(0).workloads().get(0).bytes(), StandardCharsets.UTF_8))
        .isEqualTo(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: pg-operator\n---\n"
                + "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: pg-operator\n");
    assertThat(deps.workloadGroups().get(0).destinationSelectors().get(0).source())
        .isEqualTo("promise");
    Work promiseWork = works.get(1);
    assertThat(promiseWork.key()).isEqualTo("pg");
    assertThat(promiseWork.resourceName()).isNull();
    assertThat(
            new String(
                promiseWork.workloadGroups().get(0).workloads().get(0).bytes(),
                StandardCharsets.UTF_8))
        .isEqualTo("Promise true\n");
    PipelineSucceeded succeeded =
        events.data(EventType.PIPELINE_SUCCEEDED, PipelineSucceeded.class).get(0);
    assertThat(succeeded.status().has("extra")).isFalse();
    WorkflowCompleted done =
        events.data(EventType.WORKFLOW_COMPLETED, WorkflowCompleted.class).get(0);
    assertThat(done.workflow().workflowType()).isEqualTo("promise");
    assertThat(done.workflow().generation()).isEqualTo(2);
    assertThat(done.works()).containsExactly("promise-configure");
  }

  @Test
  void aPromiseWithoutWorkflowsOrDependenciesCompletesAtOnce() {
    JsonNode document =
        yaml(
            "apiVersion: platform.kratix.io/v1alpha1\nkind: Promise\nmetadata: {name: pg}\nspec: {}\n");

    boolean completed =
        runner.configurePromise(
            "pg", 1, EventCodec.convert(document, Promise.class), document, () -> false);

    assertThat(completed).isTrue();
    assertThat(events.statusTypes()).containsExactly("pledge.workflow.completed");
  }

  @Test
  void deletingAPromiseWithdrawsItsPromiseAndDependencyWorks() {
    images.add(
        "farewell:v1",
        "#!/bin/sh\necho \"message: bye $KRATIX_WORKFLOW_ACTION\" > /kratix/metadata/status.yaml\n");
    JsonNode document =
        yaml(
            """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Promise
            metadata: {name: pg}
            spec:
              workflows:
                promise:
                  delete:
                    - metadata: {name: promise-delete}
                      spec: {containers: [{name: c, image: "farewell:v1"}]}
            """);

    boolean deleted =
        runner.deletePromise(
            "pg", 3, EventCodec.convert(document, Promise.class), document, () -> false);

    assertThat(deleted).isTrue();
    assertThat(events.statusTypes())
        .containsExactly(
            "pledge.pipeline.started",
            "pledge.pipeline.succeeded",
            "pledge.work.withdrawn",
            "pledge.work.withdrawn",
            "pledge.workflow.completed");
    assertThat(events.data(EventType.WORK_WITHDRAWN, WorkWithdrawn.class))
        .extracting(WorkWithdrawn::workType)
        .containsExactly("promise", "static-dependency");
    assertThat(
            events
                .data(EventType.PIPELINE_SUCCEEDED, PipelineSucceeded.class)
                .get(0)
                .status()
                .get("message")
                .asText())
        .isEqualTo("bye delete");
  }

  @Test
  void theSameInputPublishesAByteIdenticalWork() {
    images.add(
        "same:v1", "#!/bin/sh\necho \"name: $KRATIX_OBJECT_NAME\" > /kratix/output/a.yaml\n");
    Promise promise =
        promise(
            """
              workflows:
                resource:
                  configure:
                    - metadata: {name: only}
                      spec: {containers: [{name: c, image: "same:v1"}]}
            """);

    runner.configureResource(KEY, 1, RESOURCE, promise, () -> false);
    runner.configureResource(KEY, 1, RESOURCE, promise, () -> false);

    List<String> works =
        events.events.stream()
            .filter(e -> e.type().equals(EventType.WORK_UPSERTED.type()))
            .map(e -> e.data().toString())
            .toList();
    assertThat(works).hasSize(2);
    assertThat(works.get(0)).isEqualTo(works.get(1));
  }

  @Test
  void aWorkTooLargeForTheBrokerFailsThePipeline() {
    images.add("big:v1", "#!/bin/sh\necho x > /kratix/output/a.yaml\n");
    Promise promise =
        promise(
            """
              workflows:
                resource:
                  configure:
                    - metadata: {name: only}
                      spec: {containers: [{name: c, image: "big:v1"}]}
            """);
    events.failure =
        t ->
            t == EventType.WORK_UPSERTED
                ? new org.apache.kafka.common.errors.RecordTooLargeException("1048588 bytes")
                : null;

    boolean completed = runner.configureResource(KEY, 1, RESOURCE, promise, () -> false);

    assertThat(completed).isFalse();
    assertThat(events.data(EventType.PIPELINE_FAILED, PipelineFailed.class).get(0).reason())
        .contains("too large");
  }

  @Test
  void anEventTheBrokerRefusesMakesTheWholeWorkflowFailForARetry() {
    Promise promise = promise("");
    events.failure =
        t -> t == EventType.WORKFLOW_COMPLETED ? new IllegalStateException("broker down") : null;

    assertThatThrownBy(() -> runner.configureResource(KEY, 1, RESOURCE, promise, () -> false))
        .isInstanceOf(WorkflowRunner.PublishFailedException.class);
  }
}
