package io.pledge.intake.kubernetes;

import static io.pledge.intake.IntakeTestSupport.WAIT;
import static io.pledge.intake.IntakeTestSupport.probe;
import static io.pledge.intake.IntakeTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.pledge.contract.Topics;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.destination.DestinationReadiness;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.pipeline.PipelineStarted;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.pipeline.WorkflowCompleted;
import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.contract.request.RequestAccepted;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.work.Placement;
import io.pledge.contract.work.WorkCommitted;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes mode against the Fabric8 mock API server in CRUD mode: Promise and request objects go
 * through the apply path, status comes back into the objects, deletion is propagated.
 */
@QuarkusTest
@TestProfile(KubernetesWatcherTest.Enabled.class)
@WithKubernetesTestServer(setup = KubernetesWatcherTest.PromiseCrd.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
class KubernetesWatcherTest {

  private static final EventCodec RUNNER = new EventCodec("/pledge/pipeline-runner");
  private static final EventCodec WRITER = new EventCodec("/pledge/state-writer");
  private static final String PIPELINE = "instance-configure";
  private static final ResourceDefinitionContext POSTGRESQLS =
      new ResourceDefinitionContext.Builder()
          .withGroup("workshop.kratix.io")
          .withVersion("v1")
          .withKind("postgresql")
          .withPlural("postgresqls")
          .withNamespaced(true)
          .build();

  /** Turns Kubernetes mode on for this class only. */
  public static class Enabled implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "pledge.intake.kubernetes.enabled", "true",
          "pledge.intake.kubernetes.retry-delay", "200ms");
    }
  }

  /** The cluster knows the Promise kind, as one with Kratix installed does. */
  public static class PromiseCrd implements Consumer<KubernetesServer> {
    @Override
    public void accept(KubernetesServer server) {
      String crd =
          """
          apiVersion: apiextensions.k8s.io/v1
          kind: CustomResourceDefinition
          metadata:
            name: promises.platform.kratix.io
          spec:
            group: platform.kratix.io
            names: {kind: Promise, plural: promises, singular: promise}
            scope: Cluster
            versions:
              - name: v1alpha1
                served: true
                storage: true
                subresources: {status: {}}
                schema:
                  openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
          """;
      KubernetesClient client = server.getClient();
      create(client, crd);
      for (String[] kind :
          List.of(
              new String[] {"Destination", "destinations", "destination"},
              new String[] {"GitStateStore", "gitstatestores", "gitstatestore"},
              new String[] {"BucketStateStore", "bucketstatestores", "bucketstatestore"})) {
        create(
            client,
            crd.replace("promises.platform", kind[1] + ".platform")
                .replace(
                    "{kind: Promise, plural: promises, singular: promise}",
                    "{kind: " + kind[0] + ", plural: " + kind[1] + ", singular: " + kind[2] + "}"));
      }
    }

    private static void create(KubernetesClient client, String crd) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .resource(
              client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class))
          .create();
    }
  }

  @KubernetesTestServer KubernetesServer server;

  @Inject KubernetesWatcher watcher;

  private KubernetesClient client() {
    return server.getClient();
  }

  private void createPromise() {
    await().atMost(WAIT).until(() -> given().get("/q/health/ready").statusCode() == 200);
    GenericKubernetesResource promise =
        client()
            .getKubernetesSerialization()
            .unmarshal(
                IntakeTestSupport.resource("/postgres/promise.yaml"),
                GenericKubernetesResource.class);
    promise.getMetadata().setNamespace(null); // Promises are cluster-scoped
    if (client().genericKubernetesResources(WatchedInformers.PROMISES).withName("postgresql").get()
        == null) {
      client().genericKubernetesResources(WatchedInformers.PROMISES).resource(promise).create();
    }
    // Pledge installs the request kind's CRD and starts watching it.
    await()
        .atMost(WAIT)
        .until(
            () ->
                client()
                        .apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName("postgresqls.workshop.kratix.io")
                        .get()
                    != null);
    await()
        .atMost(WAIT)
        .until(() -> given().get("/api/v1/promises/postgresql").statusCode() == 200);
  }

  private GenericKubernetesResource createRequest(String name, Map<String, Object> spec) {
    GenericKubernetesResource request =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("workshop.kratix.io/v1")
            .withKind("postgresql")
            .withNewMetadata()
            .withName(name)
            .withNamespace("default")
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", spec))
            .build();
    return client().genericKubernetesResources(POSTGRESQLS).resource(request).create();
  }

  private JsonNode objectStatus(String name) {
    GenericKubernetesResource obj =
        client()
            .genericKubernetesResources(POSTGRESQLS)
            .inNamespace("default")
            .withName(name)
            .get();
    return EventCodec.JSON.valueToTree(obj.getAdditionalProperties().get("status"));
  }

  private static String condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c.path("status").asText();
      }
    }
    return null;
  }

  private static void status(EventType type, String key, Object data) {
    EventCodec codec = type.name().startsWith("WORK_") ? WRITER : RUNNER;
    probe().publish(Topics.STATUS, codec.event(type, key, data));
  }

  @Test
  void destinationsAndStateStoresAreAppliedShowTheirReadinessAndAreDeleted() {
    await().atMost(WAIT).until(() -> given().get("/q/health/ready").statusCode() == 200);
    String store = unique("k8s-store");
    String dest = unique("k8s-dest");
    platformObject(
        "GitStateStore", store, Map.of("url", "file:///tmp/" + store + ".git", "branch", "main"));
    platformObject(
        "Destination",
        dest,
        Map.of("path", dest, "stateStoreRef", Map.of("kind", "GitStateStore", "name", store)));
    await()
        .atMost(WAIT)
        .until(() -> given().get("/api/v1/destinations/" + dest).statusCode() == 200);

    // What state-writer publishes comes back as the objects' Ready condition.
    readiness(store, "GitStateStore", false, "ErrorValidatingPermissions", "push refused");
    readiness(dest, "Destination", false, "StateStoreNotReady", "GitStateStore/" + store + ": no");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode status = platformStatus("GitStateStore", store);
              assertThat(status.path("status").asText()).isEqualTo("NotReady");
              assertThat(status.path("conditions").get(0).path("reason").asText())
                  .isEqualTo("ErrorValidatingPermissions");
              assertThat(
                      platformStatus("Destination", dest)
                          .path("conditions")
                          .get(0)
                          .path("status")
                          .asText())
                  .isEqualTo("False");
            });
    readiness(store, "GitStateStore", true, "StateStoreReady", "State store is ready");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(platformStatus("GitStateStore", store).path("status").asText())
                    .isEqualTo("Ready"));

    // A store Pledge refuses says why in its Ready condition.
    String bad = unique("k8s-bad");
    platformObject("GitStateStore", bad, Map.of("branch", "main"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode ready = platformStatus("GitStateStore", bad).path("conditions").get(0);
              assertThat(ready.path("reason").asText()).isEqualTo("Rejected");
              assertThat(ready.path("message").asText()).contains("url");
            });
    assertThat(given().get("/api/v1/gitstatestores/" + bad).statusCode()).isEqualTo(404);

    client()
        .genericKubernetesResources(WatchedInformers.PLATFORM.get("Destination"))
        .withName(dest)
        .delete();
    await()
        .atMost(WAIT)
        .until(() -> given().get("/api/v1/destinations/" + dest).statusCode() == 404);
  }

  private void platformObject(String kind, String name, Map<String, Object> spec) {
    client()
        .genericKubernetesResources(WatchedInformers.PLATFORM.get(kind))
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("platform.kratix.io/v1alpha1")
                .withKind(kind)
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", spec))
                .build())
        .create();
  }

  private JsonNode platformStatus(String kind, String name) {
    GenericKubernetesResource obj =
        client()
            .genericKubernetesResources(WatchedInformers.PLATFORM.get(kind))
            .withName(name)
            .get();
    return EventCodec.JSON.valueToTree(obj.getAdditionalProperties().get("status"));
  }

  private static void readiness(
      String name, String kind, boolean ready, String reason, String message) {
    String key = DestinationApplied.key(kind, name);
    probe()
        .publish(
            Topics.DESTINATIONS_STATUS,
            WRITER.event(
                EventType.DESTINATION_READINESS,
                key,
                new DestinationReadiness(kind, name, 1, ready, reason, message, Instant.now())));
  }

  @Test
  void requestObjectsAreAppliedReconciledInTheirStatusAndDeleted() {
    createPromise();
    String name = unique("k8s");
    String key = "default/postgresql/" + name;

    createRequest(name, Map.of("requester", "ana", "size", "medium"));

    CloudEvent applied = probe().await("pledge.request.applied", key, WAIT);
    RequestApplied data = EventCodec.data(applied, RequestApplied.class);
    assertThat(data.generation()).isEqualTo(1);
    assertThat(data.resource().path("spec").path("size").asText()).isEqualTo("medium");
    assertThat(data.resource().path("spec").path("dbName").asText()).isEqualTo("postgres");
    RequestAccepted accepted =
        EventCodec.data(probe().await("pledge.request.accepted", key, WAIT), RequestAccepted.class);
    assertThat(accepted.requester()).isEqualTo("kubernetes");

    // Pending first, written into the object's status subresource.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(objectStatus(name).path("message").asText()).isEqualTo("Pending"));

    WorkflowRef ref = new WorkflowRef(key, "resource", "configure", 1);
    status(EventType.PIPELINE_STARTED, key, new PipelineStarted(ref, PIPELINE, 0, 1, 1));
    status(
        EventType.PIPELINE_SUCCEEDED,
        key,
        new PipelineSucceeded(
            ref,
            PIPELINE,
            0,
            1,
            EventCodec.JSON.createObjectNode().put("message", "instance ready"),
            1));
    status(EventType.WORKFLOW_COMPLETED, key, new WorkflowCompleted(ref, List.of(PIPELINE)));
    String sha = "3f786850e387550fdab836ed7e6dc881de23001b";
    status(
        EventType.WORK_COMMITTED,
        key,
        new WorkCommitted(
            key,
            1,
            PIPELINE,
            List.of(
                new Placement(
                    "worker-1",
                    "5058f",
                    "GitStateStore/default",
                    sha,
                    List.of("worker-1/x.yaml"),
                    false))));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode s = objectStatus(name);
              assertThat(condition(s, "Reconciled")).isEqualTo("True");
              assertThat(s.path("message").asText()).isEqualTo("instance ready");
              assertThat(s.path("destinations").path(0).path("commit").asText()).isEqualTo(sha);
              assertThat(s.path("observedGeneration").asLong()).isEqualTo(1);
            });

    // The status was written because it changed; a status event that changes nothing writes
    // nothing (kratix#743). The Fabric8 mock, like the API server, keeps the resourceVersion on a
    // no-op update, so count the writes themselves.
    // First the writes the events above caused settle (each write comes back as an informer
    // update and is checked once more), then the count is taken.
    long[] seen = {-1};
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              long now = watcher.statusWrites();
              boolean settled = now == seen[0];
              seen[0] = now;
              return settled;
            });
    long writes = watcher.statusWrites();
    status(
        EventType.WORK_COMMITTED,
        key,
        new WorkCommitted(
            key,
            1,
            PIPELINE,
            List.of(
                new Placement(
                    "worker-1",
                    "5058f",
                    "GitStateStore/default",
                    sha,
                    List.of("worker-1/x.yaml"),
                    false))));
    IntakeTestSupport.publishedAfterMarker(key);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> watcher.statusWrites() == writes);

    client().genericKubernetesResources(POSTGRESQLS).inNamespace("default").withName(name).delete();
    CloudEvent deleted = probe().await("pledge.request.deleted", key, WAIT);
    assertThat(deleted.subject()).isEqualTo(key);
  }

  @Test
  void anInvalidRequestObjectIsNotPublishedAndSaysWhyInItsStatus() {
    createPromise();
    String name = unique("k8s-invalid");
    String key = "default/postgresql/" + name;

    createRequest(name, Map.of("requester", "ana", "size", "huge"));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode s = objectStatus(name);
              assertThat(s.path("message").asText()).startsWith("Rejected:");
              assertThat(s.path("pledge").path("rejection").path("errors").toString())
                  .contains("/spec/size");
            });
    IntakeTestSupport.assertNothingPublishedAbout(key);
  }
}
