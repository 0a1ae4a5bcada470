package io.pledge.runner.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.pipeline.WorkflowCompleted;
import io.pledge.contract.request.ReconcileRequested;
import io.pledge.runner.PlaysIntake;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Re-runs: a changed Promise re-runs its resources once, however often the re-run arrives. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(StageImagesResource.class)
class RerunFlowTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  private EventProbe probe;

  @BeforeEach
  void setUp() {
    probe = new EventProbe(bootstrap, Topics.STATUS, Topics.WORKS, Topics.REQUESTS);
  }

  @AfterEach
  void tearDown() {
    probe.close();
  }

  private static JsonNode promise(String name, long generation, String tier) {
    return KratixDocuments.readAll(
            """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Promise
            metadata: {name: %s, generation: %d}
            spec:
              api:
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: caches.test.pledge.io}
                spec:
                  group: test.pledge.io
                  scope: Namespaced
                  names: {kind: Cache, plural: caches}
                  versions: [{name: v1, served: true, storage: true}]
              workflows:
                resource:
                  configure:
                    - apiVersion: platform.kratix.io/v1alpha1
                      kind: Pipeline
                      metadata: {name: cache-configure}
                      spec:
                        containers:
                          - {name: configure, image: "%s", env: [{name: TIER, value: %s}]}
            """
                .formatted(name, generation, StageImagesResource.CONFIGURE_IMAGE, tier))
        .get(0);
  }

  private List<WorkflowCompleted> completed(ResourceKey key) {
    return probe.events().stream()
        .filter(
            e ->
                e.type().equals(EventType.WORKFLOW_COMPLETED.type())
                    && e.subject().equals(key.toString()))
        .map(e -> EventCodec.data(e, WorkflowCompleted.class))
        .toList();
  }

  @Test
  void aChangedPromiseReRunsItsResourcesOnceEachAndDuplicatesAreSkipped() {
    String name = "cache";
    ResourceKey key = new ResourceKey("team-r", name, "c1");
    PlaysIntake intake = new PlaysIntake(probe);
    intake.promise(name, 1, promise(name, 1, "silver"));
    JsonNode resource =
        KratixDocuments.readAll(
                "apiVersion: test.pledge.io/v1\nkind: Cache\n"
                    + "metadata: {name: c1, namespace: team-r, generation: 1}\nspec: {size: small}\n")
            .get(0);
    intake.request(key, 1, "h", resource);
    await().atMost(WAIT).until(() -> completed(key).size() == 1);

    intake.promise(name, 2, promise(name, 2, "gold"));

    CloudEvent rerun =
        probe.await(
            e ->
                e.type().equals(EventType.RECONCILE_REQUESTED.type())
                    && e.subject().equals(key.toString()),
            WAIT);
    ReconcileRequested asked = EventCodec.data(rerun, ReconcileRequested.class);
    assertThat(asked.reason()).isEqualTo("promise-changed");
    assertThat(asked.generation()).isEqualTo(1);
    assertThat(asked.resource().path("spec").path("size").asText()).isEqualTo("small");
    assertThat(rerun.id()).startsWith("promise-changed-");
    await().atMost(WAIT).until(() -> completed(key).size() == 2);

    // Another instance's copy of the same re-run (same id) is skipped; a manual one runs.
    probe.publish(Topics.REQUESTS, rerun);
    probe.publish(
        Topics.REQUESTS,
        PlaysIntake.event(
            EventType.RECONCILE_REQUESTED,
            key.toString(),
            new ReconcileRequested(key, 1, "manual", resource)));
    // Each run takes well under a second: a run of the copy would show within the 3 s held.
    await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> completed(key).size() == 3);
    assertThat(
            probe.events().stream()
                .filter(
                    e ->
                        e.type().equals(EventType.PIPELINE_STARTED.type())
                            && e.subject().equals(key.toString()))
                .count())
        .isEqualTo(3);
  }
}
