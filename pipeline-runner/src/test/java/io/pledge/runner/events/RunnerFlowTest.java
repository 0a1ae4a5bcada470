package io.pledge.runner.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventSchemas;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.pipeline.PipelineLog;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.pipeline.WorkflowCompleted;
import io.pledge.contract.request.RequestDeleted;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkWithdrawn;
import io.pledge.runner.PlaysIntake;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(StageImagesResource.class)
class RunnerFlowTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  private EventProbe probe;

  @BeforeEach
  void setUp() {
    probe =
        new EventProbe(
            bootstrap,
            Topics.STATUS,
            Topics.WORKS,
            Topics.LOGS,
            Topics.REQUESTS,
            Topics.deadLetter(Topics.REQUESTS));
  }

  @AfterEach
  void tearDown() {
    probe.close();
  }

  private static JsonNode promise(String name) {
    return KratixDocuments.readAll(
            """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Promise
            metadata: {name: %s, generation: 1}
            spec:
              destinationSelectors: [{matchLabels: {environment: dev}}]
              api:
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: databases.test.pledge.io}
                spec:
                  group: test.pledge.io
                  scope: Namespaced
                  names: {kind: Database, plural: databases}
                  versions: [{name: v1, served: true, storage: true}]
              dependencies:
                - {apiVersion: v1, kind: Namespace, metadata: {name: %s-system}}
              workflows:
                resource:
                  configure:
                    - apiVersion: platform.kratix.io/v1alpha1
                      kind: Pipeline
                      metadata: {name: instance-configure}
                      spec:
                        containers: [{name: configure, image: "%s"}]
                  delete:
                    - apiVersion: platform.kratix.io/v1alpha1
                      kind: Pipeline
                      metadata: {name: instance-delete}
                      spec:
                        containers: [{name: delete, image: "%s"}]
            """
                .formatted(
                    name,
                    name,
                    StageImagesResource.CONFIGURE_IMAGE,
                    StageImagesResource.DELETE_IMAGE))
        .get(0);
  }

  private static JsonNode resource(ResourceKey key, String size) {
    return KratixDocuments.readAll(
            """
            apiVersion: test.pledge.io/v1
            kind: Database
            metadata: {name: %s, namespace: %s, generation: 1}
            spec: {size: %s}
            """
                .formatted(key.name(), key.namespace(), size))
        .get(0);
  }

  private void publishPromise(String name) {
    new PlaysIntake(probe).promise(name, 1, promise(name));
  }

  private void publishRequest(ResourceKey key, long generation, String size) {
    new PlaysIntake(probe).request(key, generation, "hash-" + size, resource(key, size));
  }

  private CloudEvent awaitEvent(EventType type, String subject) {
    return probe.await(type.type(), subject, WAIT);
  }

  private static void assertValid(CloudEvent event) {
    assertThat(EventSchemas.violations(event)).as(event.type()).isEmpty();
    assertThat(event.source()).isEqualTo("/pledge/pipeline-runner");
  }

  @Test
  void configuresAPromiseThenTurnsARequestIntoAWork() {
    publishPromise("database");
    CloudEvent promiseDone = awaitEvent(EventType.WORKFLOW_COMPLETED, "database");
    assertValid(promiseDone);
    assertThat(EventCodec.data(promiseDone, WorkflowCompleted.class).workflow().workflowType())
        .isEqualTo("promise");
    Work deps =
        EventCodec.data(
            probe.await(
                e ->
                    e.type().equals(EventType.WORK_UPSERTED.type())
                        && e.subject().equals("database"),
                WAIT),
            Work.class);
    assertThat(deps.workType()).isEqualTo(Work.STATIC_DEPENDENCY);

    ResourceKey key = ResourceKey.parse("team-a/database/orders");
    publishRequest(key, 1, "large");

    CloudEvent succeeded = awaitEvent(EventType.PIPELINE_SUCCEEDED, key.toString());
    CloudEvent upserted = awaitEvent(EventType.WORK_UPSERTED, key.toString());
    CloudEvent completed = awaitEvent(EventType.WORKFLOW_COMPLETED, key.toString());
    CloudEvent logged = awaitEvent(EventType.PIPELINE_LOG, key.toString());
    List.of(succeeded, upserted, completed, logged).forEach(RunnerFlowTest::assertValid);

    assertThat(EventCodec.data(succeeded, PipelineSucceeded.class).status().get("message").asText())
        .isEqualTo("database orders is large");
    Work work = EventCodec.data(upserted, Work.class);
    assertThat(work.workType()).isEqualTo(Work.RESOURCE);
    assertThat(work.pipeline()).isEqualTo("instance-configure");
    assertThat(work.generation()).isEqualTo(1);
    assertThat(work.workloadGroups()).hasSize(1);
    assertThat(work.workloadGroups().get(0).id()).isEqualTo("5058f1af8388633f609cadb75a75dc9d");
    assertThat(work.workloadGroups().get(0).destinationSelectors().get(0).matchLabels())
        .isEqualTo(Map.of("environment", "dev"));
    assertThat(work.workloadGroups().get(0).workloads().get(0).filepath())
        .isEqualTo("database.yaml");
    assertThat(
            new String(
                work.workloadGroups().get(0).workloads().get(0).bytes(), StandardCharsets.UTF_8))
        .contains("name: orders", "namespace: team-a", "size: \"large\"");
    assertThat(EventCodec.data(completed, WorkflowCompleted.class).works())
        .containsExactly("instance-configure");
    assertThat(EventCodec.data(logged, PipelineLog.class).stdout())
        .isEqualTo("configured orders\n");

    // Order holds within a topic (one key, one partition), not across topics.
    List<String> statusOrder =
        probe.records().stream()
            .filter(r -> r.topic().equals(Topics.STATUS) && key.toString().equals(r.key()))
            .map(r -> EventCodec.read(r.value()).type())
            .toList();
    assertThat(statusOrder)
        .containsExactly(
            "pledge.pipeline.started", "pledge.pipeline.succeeded", "pledge.workflow.completed");
  }

  @Test
  void aRequestThatArrivesBeforeItsPromiseWaitsUnacknowledgedThenRuns() throws Exception {
    ResourceKey key = ResourceKey.parse("team-b/latecomer/payments");
    publishRequest(key, 1, "small");
    ConsumerRecord<String, String> record =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    probe.records().stream()
                        .filter(r -> r.topic().equals(Topics.REQUESTS))
                        .filter(r -> key.toString().equals(r.key()))
                        .findFirst()
                        .orElse(null),
                r -> r != null);
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());

    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                probe.events().stream()
                        .noneMatch(
                            e ->
                                key.toString().equals(e.subject())
                                    && e.source().equals("/pledge/pipeline-runner"))
                    && committed(partition) <= record.offset());

    // Other keys keep flowing while it waits.
    publishPromise("bystander");
    ResourceKey other = ResourceKey.parse("team-b/bystander/ledger");
    publishRequest(other, 1, "small");
    awaitEvent(EventType.WORKFLOW_COMPLETED, other.toString());
    assertThat(probe.events())
        .noneMatch(
            e ->
                key.toString().equals(e.subject()) && e.source().equals("/pledge/pipeline-runner"));

    publishPromise("latecomer");

    CloudEvent completed = awaitEvent(EventType.WORKFLOW_COMPLETED, key.toString());
    assertThat(EventCodec.data(completed, WorkflowCompleted.class).works())
        .containsExactly("instance-configure");
    await().atMost(WAIT).until(() -> committed(partition) > record.offset());
  }

  @Test
  void aDeleteRunsTheDeletePipelineAndWithdrawsTheWorks() {
    publishPromise("cache");
    awaitEvent(EventType.WORKFLOW_COMPLETED, "cache");
    ResourceKey key = ResourceKey.parse("team-c/cache/sessions");
    probe.publish(
        Topics.REQUESTS,
        PlaysIntake.event(
            EventType.REQUEST_DELETED,
            key.toString(),
            new RequestDeleted(key, 2, resource(key, "small"))));

    CloudEvent withdrawn = awaitEvent(EventType.WORK_WITHDRAWN, key.toString());
    CloudEvent completed = awaitEvent(EventType.WORKFLOW_COMPLETED, key.toString());
    CloudEvent succeeded = awaitEvent(EventType.PIPELINE_SUCCEEDED, key.toString());

    assertValid(withdrawn);
    assertThat(EventCodec.data(withdrawn, WorkWithdrawn.class).generation()).isEqualTo(2);
    assertThat(EventCodec.data(completed, WorkflowCompleted.class).workflow().action())
        .isEqualTo("delete");
    assertThat(EventCodec.data(succeeded, PipelineSucceeded.class).status().get("message").asText())
        .isEqualTo("deleting sessions");
  }

  @Test
  void anUnreadableRequestGoesToTheDeadLetterTopicWithItsReason() {
    probe.publish(Topics.REQUESTS, "team-d/x/y", "this is not a CloudEvent");

    ConsumerRecord<String, String> dead =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    probe.records().stream()
                        .filter(r -> r.topic().equals(Topics.deadLetter(Topics.REQUESTS)))
                        .filter(r -> "team-d/x/y".equals(r.key()))
                        .findFirst()
                        .orElse(null),
                r -> r != null);

    assertThat(dead.value()).isEqualTo("this is not a CloudEvent");
    assertThat(
            new String(
                dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
        .contains("CloudEvent");
  }

  @Test
  void anUnreadablePromiseRecordGoesToItsDeadLetterTopic() {
    try (EventProbe dlq = new EventProbe(bootstrap, Topics.deadLetter(Topics.PROMISES))) {
      probe.publish(Topics.PROMISES, "broken-promise", "{\"not\": \"an event\"}");

      ConsumerRecord<String, String> dead =
          await()
              .atMost(WAIT)
              .until(
                  () ->
                      dlq.records().stream()
                          .filter(r -> "broken-promise".equals(r.key()))
                          .findFirst()
                          .orElse(null),
                  r -> r != null);

      assertThat(
              new String(
                  dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
          .contains("specversion");
    }
  }

  @Test
  void isReadyOnceThePromiseTableIsRead() {
    await()
        .atMost(WAIT)
        .untilAsserted(() -> RestAssured.get("/q/health/ready").then().statusCode(200));
  }

  private long committed(TopicPartition partition) throws Exception {
    try (Admin admin = EmbeddedKafka.shared().admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets("pledge-pipeline-runner")
              .partitionsToOffsetAndMetadata()
              .get();
      OffsetAndMetadata offset = offsets.get(partition);
      return offset == null ? -1 : offset.offset();
    }
  }

  @Test
  void itsTopicFollowingThreadsAreWatchedByLiveness() {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                RestAssured.get("/q/health/live")
                    .then()
                    .statusCode(200)
                    .body(
                        "checks.find { it.name == 'vital-threads' }.status",
                        org.hamcrest.Matchers.equalTo("UP"))
                    .body(
                        "checks.find { it.name == 'vital-threads' }.data.'promise-table'",
                        org.hamcrest.Matchers.equalTo("alive"))
                    .body(
                        "checks.find { it.name == 'vital-threads' }.data.'resource-table'",
                        org.hamcrest.Matchers.equalTo("alive")));
  }
}
