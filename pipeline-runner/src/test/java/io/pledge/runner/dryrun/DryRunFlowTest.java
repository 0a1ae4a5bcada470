package io.pledge.runner.dryrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.Topics;
import io.pledge.contract.dryrun.DryRunCompleted;
import io.pledge.contract.dryrun.DryRunRequested;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventSchemas;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.runner.events.StageImagesResource;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dry-run request on {@code pledge.dryruns} is answered on {@code pledge.dryruns.replies} with
 * what the configure workflow rendered, and nothing else is published.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(StageImagesResource.class)
class DryRunFlowTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final EventCodec INTAKE = new EventCodec("/pledge/request-intake");

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  private EventProbe probe;

  @BeforeEach
  void setUp() {
    probe =
        new EventProbe(
            bootstrap,
            Topics.DRY_RUN_REPLIES,
            Topics.STATUS,
            Topics.WORKS,
            Topics.LOGS,
            Topics.deadLetter(Topics.DRY_RUNS));
  }

  @AfterEach
  void tearDown() {
    probe.close();
  }

  /** A Promise of kind Cache whose configure workflow runs {@code images}, one pipeline each. */
  private void configurePromise(String name, String... images) {
    StringBuilder pipelines = new StringBuilder();
    for (int i = 0; i < images.length; i++) {
      pipelines.append(
          """
                      - apiVersion: platform.kratix.io/v1alpha1
                        kind: Pipeline
                        metadata: {name: step-%d}
                        spec:
                          containers:
                            - name: render-%d
                              image: "%s"
                              env: [{name: KRATIX_DRY_RUN, value: "false"}]
          """
              .formatted(i, i, images[i]));
    }
    JsonNode promise =
        KratixDocuments.readAll(
                """
                apiVersion: platform.kratix.io/v1alpha1
                kind: Promise
                metadata: {name: %s, generation: 1}
                spec:
                  destinationSelectors: [{matchLabels: {environment: dev}}]
                  api:
                    apiVersion: apiextensions.k8s.io/v1
                    kind: CustomResourceDefinition
                    metadata: {name: %ss.test.pledge.io}
                    spec:
                      group: test.pledge.io
                      scope: Namespaced
                      names: {kind: %s, plural: %ss}
                      versions: [{name: v1, served: true, storage: true}]
                  workflows:
                    resource:
                      configure:
                %s
                """
                    .formatted(name, name, name, name, pipelines))
            .get(0);
    probe.publish(
        Topics.PROMISES,
        INTAKE.event(EventType.PROMISE_APPLIED, name, new PromiseApplied(name, 1, promise)));
    probe.await(EventType.WORKFLOW_COMPLETED.type(), name, WAIT);
  }

  private static DryRunRequested request(ResourceKey key, Instant deadline) {
    JsonNode resource =
        KratixDocuments.readAll(
                """
                apiVersion: test.pledge.io/v1
                kind: %s
                metadata: {name: %s, namespace: %s, generation: 3}
                spec: {size: large}
                """
                    .formatted(key.promise(), key.name(), key.namespace()))
            .get(0);
    return new DryRunRequested(UUID.randomUUID().toString(), key, 3, resource, "alice", deadline);
  }

  private void publish(DryRunRequested request) {
    probe.publish(
        Topics.DRY_RUNS,
        INTAKE.event(EventType.DRY_RUN_REQUESTED, request.key().toString(), request));
  }

  private DryRunCompleted awaitAnswer(DryRunRequested request) {
    CloudEvent event =
        probe.await(
            e ->
                EventType.DRY_RUN_COMPLETED.type().equals(e.type())
                    && request.correlationId().equals(e.data().path("correlationId").asText()),
            WAIT);
    assertThat(EventSchemas.violations(event)).isEmpty();
    assertThat(event.subject()).isEqualTo(request.key().toString());
    assertThat(event.source()).isEqualTo("/pledge/pipeline-runner");
    return EventCodec.data(event, DryRunCompleted.class);
  }

  private List<ConsumerRecord<String, String>> recordsAbout(ResourceKey key) {
    return probe.records().stream()
        .filter(r -> !r.topic().equals(Topics.DRY_RUN_REPLIES))
        .filter(r -> key.toString().equals(r.key()))
        .toList();
  }

  @Test
  void answersWithTheRenderedFilesAndPublishesNothingElse() {
    configurePromise("cachea", StageImagesResource.DRY_RUN_IMAGE);
    ResourceKey key = new ResourceKey("team-a", "cachea", "sessions");
    DryRunRequested request = request(key, Instant.now().plusSeconds(30));

    publish(request);
    DryRunCompleted answer = awaitAnswer(request);

    assertThat(answer.outcome()).isEqualTo(DryRunCompleted.SUCCEEDED);
    assertThat(answer.generation()).isEqualTo(3);
    assertThat(answer.promiseGeneration()).isEqualTo(1);
    assertThat(answer.failure()).isNull();
    assertThat(answer.pipelines()).hasSize(1);
    DryRunCompleted.Pipeline pipeline = answer.pipelines().get(0);
    assertThat(pipeline.name()).isEqualTo("step-0");
    assertThat(pipeline.phase()).isEqualTo(DryRunCompleted.SUCCEEDED);
    assertThat(pipeline.workloadGroups()).hasSize(1);
    DryRunCompleted.WorkloadGroup group = pipeline.workloadGroups().get(0);
    assertThat(group.id()).isEqualTo("5058f1af8388633f609cadb75a75dc9d");
    assertThat(group.destinationSelectors().get(0).matchLabels())
        .isEqualTo(Map.of("environment", "dev"));
    DryRunCompleted.File file = group.files().get(0);
    assertThat(file.path()).isEqualTo("database.yaml");
    assertThat(file.encoding()).isEqualTo(DryRunCompleted.File.UTF_8);
    // The container's own env asks for KRATIX_DRY_RUN=false: a dry run stays a dry run.
    assertThat(file.content()).contains("name: sessions", "size: \"large\"", "dryRun: \"true\"");
    assertThat(pipeline.containers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.name()).isEqualTo("render-0");
              assertThat(c.exitCode()).isZero();
              assertThat(c.stdout()).isEqualTo("dry run: true\n");
            });
    assertThat(answer.status().path("dryRun").asText()).isEqualTo("true");
    assertThat(answer.status().path("message").asText()).isEqualTo("rendered sessions");

    // No Work, no status, no logs: wait a little for anything that would have followed.
    await()
        .during(Duration.ofMillis(750))
        .atMost(Duration.ofSeconds(3))
        .until(() -> recordsAbout(key).isEmpty());
  }

  @Test
  void aFailedPipelineIsNamedWithItsContainerExitCodeAndStderr() {
    configurePromise(
        "cacheb", StageImagesResource.DRY_RUN_IMAGE, StageImagesResource.FAILING_IMAGE);
    ResourceKey key = new ResourceKey("team-b", "cacheb", "quota");
    DryRunRequested request = request(key, Instant.now().plusSeconds(30));

    publish(request);
    DryRunCompleted answer = awaitAnswer(request);

    assertThat(answer.outcome()).isEqualTo(DryRunCompleted.FAILED);
    assertThat(answer.failure().pipeline()).isEqualTo("step-1");
    assertThat(answer.failure().container()).isEqualTo("render-1");
    assertThat(answer.failure().exitCode()).isEqualTo(3);
    assertThat(answer.failure().stderrTail()).isEqualTo("quota exceeded for quota");
    assertThat(answer.pipelines())
        .extracting(DryRunCompleted.Pipeline::name, DryRunCompleted.Pipeline::phase)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("step-0", DryRunCompleted.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple("step-1", DryRunCompleted.FAILED));
    assertThat(answer.pipelines().get(0).workloadGroups()).hasSize(1);
    assertThat(answer.pipelines().get(1).containers().get(0).stdout())
        .isEqualTo("checking quota\n");
    assertThat(answer.status().path("message").asText()).isEqualTo("rendered quota");
    assertThat(recordsAbout(key)).isEmpty();
  }

  @Test
  void aPromiseTheRunnerDoesNotKnowIsUnavailable() {
    ResourceKey key = new ResourceKey("team-c", "nosuchpromise", "x");
    DryRunRequested request = request(key, Instant.now().plusSeconds(2));

    publish(request);
    DryRunCompleted answer = awaitAnswer(request);

    assertThat(answer.outcome()).isEqualTo(DryRunCompleted.UNAVAILABLE);
    assertThat(answer.message()).contains("nosuchpromise", "not Available");
    assertThat(answer.pipelines()).isEmpty();
  }

  @Test
  void aRequestPastItsDeadlineIsDroppedUnanswered() {
    configurePromise("cached", StageImagesResource.DRY_RUN_IMAGE);
    DryRunRequested late =
        request(new ResourceKey("team-d", "cached", "late"), Instant.now().minusSeconds(1));
    DryRunRequested onTime =
        request(new ResourceKey("team-d", "cached", "late"), Instant.now().plusSeconds(30));

    publish(late);
    publish(onTime);

    // Same key, same partition: the late one was taken first and dropped.
    assertThat(awaitAnswer(onTime).outcome()).isEqualTo(DryRunCompleted.SUCCEEDED);
    assertThat(
            probe.events().stream()
                .filter(e -> e.type().equals(EventType.DRY_RUN_COMPLETED.type()))
                .filter(e -> late.correlationId().equals(e.data().path("correlationId").asText())))
        .isEmpty();
  }

  @Test
  void anUnreadableRequestGoesToTheDeadLetterTopic() {
    probe.publish(Topics.DRY_RUNS, "team-e/x/y", "not a CloudEvent");

    ConsumerRecord<String, String> dead =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    probe.records().stream()
                        .filter(r -> r.topic().equals(Topics.deadLetter(Topics.DRY_RUNS)))
                        .filter(r -> "team-e/x/y".equals(r.key()))
                        .findFirst()
                        .orElse(null),
                r -> r != null);
    assertThat(
            new String(
                dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
        .contains("CloudEvent");
  }
}
