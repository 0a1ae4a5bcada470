package io.pledge.runner.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.Topics;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.pipeline.PipelineFailed;
import io.pledge.runner.PlaysIntake;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code retryAfter} through the running service: the service under test has {@code
 * min-retry-after} 1s and {@code default-retry-attempts} 3 ({@link StageImagesResource}).
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(StageImagesResource.class)
class RetryFlowTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  private EventProbe probe;

  @BeforeEach
  void setUp() {
    probe = new EventProbe(bootstrap, Topics.STATUS, Topics.WORKS);
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
              api:
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: waiters.test.pledge.io}
                spec:
                  group: test.pledge.io
                  scope: Namespaced
                  names: {kind: Waiter, plural: waiters}
                  versions: [{name: v1, served: true, storage: true}]
              workflows:
                resource:
                  configure:
                    - apiVersion: platform.kratix.io/v1alpha1
                      kind: Pipeline
                      metadata: {name: poll}
                      spec:
                        containers: [{name: poll, image: "%s"}]
            """
                .formatted(name, StageImagesResource.RETRY_NOW_IMAGE))
        .get(0);
  }

  private List<ConsumerRecord<String, String>> status(ResourceKey key, EventType type) {
    return probe.records().stream()
        .filter(r -> r.topic().equals(Topics.STATUS) && key.toString().equals(r.key()))
        .filter(r -> EventCodec.read(r.value()).type().equals(type.type()))
        .toList();
  }

  private boolean limitReached(ResourceKey key) {
    return status(key, EventType.PIPELINE_FAILED).stream()
        .map(r -> EventCodec.data(EventCodec.read(r.value()), PipelineFailed.class).reason())
        .anyMatch(reason -> reason.startsWith("retry limit reached"));
  }

  @Test
  void retryAfterZeroRunsAgainNoSoonerThanTheMinimumAndStopsAtTheDefaultLimit() {
    String name = "poller";
    PlaysIntake intake = new PlaysIntake(probe);
    intake.promise(name, 1, promise(name));
    probe.await(EventType.WORKFLOW_COMPLETED.type(), name, WAIT);
    ResourceKey key = ResourceKey.parse("team-r/poller/eager");
    JsonNode resource =
        KratixDocuments.readAll(
                "apiVersion: test.pledge.io/v1\nkind: Waiter\n"
                    + "metadata: {name: eager, namespace: team-r, generation: 1}\nspec: {}\n")
            .get(0);
    intake.request(key, 1, "hash-eager", resource);

    // Stop at the limit, or as soon as a hot loop has run the pipeline more often than allowed.
    await()
        .atMost(WAIT)
        .until(
            () ->
                limitReached(key)
                    || status(key, EventType.PIPELINE_STARTED).size()
                        > StageImagesResource.DEFAULT_RETRY_ATTEMPTS);

    List<Long> starts =
        status(key, EventType.PIPELINE_STARTED).stream().map(ConsumerRecord::timestamp).toList();
    assertThat(starts).hasSize(StageImagesResource.DEFAULT_RETRY_ATTEMPTS);
    for (int i = 1; i < starts.size(); i++) {
      assertThat(starts.get(i) - starts.get(i - 1))
          .as("pause before run %d", i + 1)
          .isGreaterThanOrEqualTo(StageImagesResource.MIN_RETRY_AFTER.toMillis());
    }
    List<String> reasons =
        status(key, EventType.PIPELINE_FAILED).stream()
            .map(r -> EventCodec.data(EventCodec.read(r.value()), PipelineFailed.class).reason())
            .toList();
    assertThat(reasons)
        .containsExactly(
            "suspended: retry after PT1S, asked PT0S, at least pledge.runner.min-retry-after"
                + " (run 1 of 3 allowed without maxAttempts)",
            "suspended: retry after PT1S, asked PT0S, at least pledge.runner.min-retry-after"
                + " (run 2 of 3 allowed without maxAttempts)",
            "retry limit reached: the pipeline ran 3 times, the most allowed without maxAttempts"
                + " in workflow-control.yaml (pledge.runner.default-retry-attempts)");

    // And nothing runs after the limit: the request is done with.
    await()
        .during(StageImagesResource.MIN_RETRY_AFTER.multipliedBy(3))
        .atMost(StageImagesResource.MIN_RETRY_AFTER.multipliedBy(5))
        .until(
            () ->
                status(key, EventType.PIPELINE_STARTED).size()
                    == StageImagesResource.DEFAULT_RETRY_ATTEMPTS);
    assertThat(probe.events())
        .noneMatch(
            e ->
                key.toString().equals(e.subject())
                    && (e.type().equals(EventType.WORK_UPSERTED.type())
                        || e.type().equals(EventType.WORKFLOW_COMPLETED.type())));
  }
}
