package io.pledge.intake.api;

import static io.pledge.intake.IntakeTestSupport.WAIT;
import static io.pledge.intake.IntakeTestSupport.probe;
import static io.pledge.intake.IntakeTestSupport.publishedAfterMarker;
import static io.pledge.intake.IntakeTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.pledge.contract.Topics;
import io.pledge.contract.destination.DestinationDeleted;
import io.pledge.contract.destination.DestinationReadiness;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.promise.PromiseDeleted;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deleting Promises, and reading and deleting Destinations and state stores. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class PlatformObjectResourceTest {

  private static final String YAML = "application/yaml";

  @BeforeEach
  void seed() {
    IntakeTestSupport.seedPromise();
  }

  private static ValidatableResponse apply(String body) {
    return IntakeTestSupport.post(YAML, body).then();
  }

  /** A Promise of its own kind, so deleting it leaves the other tests' Promise alone. */
  private static String promise(String name) {
    return IntakeTestSupport.widgetPromise(name, "small");
  }

  private static String widget(String promise, String namespace, String name) {
    return """
        apiVersion: %s.example.com/v1
        kind: Widget
        metadata: {name: %s, namespace: %s}
        spec: {size: large}
        """
        .formatted(promise, name, namespace);
  }

  private static CloudEvent deletedRequest(String key) {
    return probe().await("pledge.request.deleted", key, WAIT);
  }

  @Test
  void deletingAPromiseDeletesItsRequestsFirstAndThenItsKindIsUnknown() {
    String name = unique("widgets");
    String a = "default/" + name + "/a";
    String b = "team-b/" + name + "/b";
    String gone = "default/" + name + "/gone";
    apply(
            promise(name)
                + "---\n"
                + widget(name, "default", "a")
                + "---\n"
                + widget(name, "team-b", "b")
                + "---\n"
                + widget(name, "default", "gone"))
        .statusCode(200);
    given().delete("/api/v1/resources/" + gone).then().statusCode(202);
    deletedRequest(gone);

    given()
        .delete("/api/v1/promises/" + name)
        .then()
        .statusCode(202)
        .body("kind", equalTo(List.of("Widget", "Widget", "Promise")))
        .body("namespace", equalTo(Arrays.asList("default", "team-b", null)))
        .body("name", equalTo(List.of("a", "b", name)))
        .body("outcome", equalTo(List.of("deleted", "deleted", "deleted")))
        .body("[2].generation", equalTo(1));

    CloudEvent promiseDeleted = probe().await("pledge.promise.deleted", name, WAIT);
    assertThat(EventCodec.data(promiseDeleted, PromiseDeleted.class).name()).isEqualTo(name);
    ConsumerRecord<String, String> record = recordOf(promiseDeleted);
    assertThat(record.topic()).isEqualTo(Topics.PROMISES);
    assertThat(record.key()).isEqualTo(name);
    for (String key : List.of(a, b)) {
      List<CloudEvent> events = publishedAfterMarker(key);
      assertThat(events)
          .filteredOn(e -> e.type().equals("pledge.request.accepted"))
          .extracting(e -> e.data().path("action").asText())
          .containsExactly("apply", "delete");
      assertThat(events).filteredOn(e -> e.type().equals("pledge.request.deleted")).hasSize(1);
      CloudEvent deleted = deletedRequest(key);
      assertThat(deleted.data().at("/resource/spec/size").asText()).isEqualTo("large");
      // Each publish waits for the broker's ack before the next is made.
      assertThat(deleted.time()).isBefore(promiseDeleted.time());
    }
    // The request already being deleted is not deleted twice.
    assertThat(publishedAfterMarker(gone))
        .filteredOn(e -> e.type().equals("pledge.request.deleted"))
        .hasSize(1);

    apply(widget(name, "default", "late"))
        .statusCode(404)
        .contentType(startsWith("application/problem+json"))
        .body("type", containsString("unknown-kind"));
    given().get("/api/v1/promises/" + name).then().statusCode(404);
    given().get("/api/v1/promises").then().body("items.metadata.name", not(hasItem(name)));
    given()
        .delete("/api/v1/promises/" + name)
        .then()
        .statusCode(404)
        .contentType(startsWith("application/problem+json"));

    // A re-created Promise continues after the deleted one's generation and takes requests again.
    apply(promise(name))
        .statusCode(200)
        .body("[0].outcome", equalTo("created"))
        .body("[0].generation", equalTo(2));
    apply(widget(name, "default", "a")).statusCode(200).body("[0].outcome", equalTo("created"));
  }

  @Test
  void deletesAPromiseWithoutRequests() {
    String name = unique("empty");
    apply(promise(name)).statusCode(200);

    given()
        .delete("/api/v1/promises/" + name)
        .then()
        .statusCode(202)
        .body("kind", equalTo(List.of("Promise")));
    probe().await("pledge.promise.deleted", name, WAIT);
    given().get("/api/v1/promises/" + name).then().statusCode(404);
  }

  private static String stores(String git, String bucket, String destination) {
    return """
        apiVersion: platform.kratix.io/v1alpha1
        kind: GitStateStore
        metadata: {name: %s}
        spec: {url: file:///tmp/state.git, branch: main}
        ---
        apiVersion: platform.kratix.io/v1alpha1
        kind: BucketStateStore
        metadata: {name: %s}
        spec: {bucketName: state, endpoint: s3.example.com, authMethod: IAM}
        ---
        apiVersion: platform.kratix.io/v1alpha1
        kind: Destination
        metadata: {name: %s}
        spec:
          path: worker-1
          stateStoreRef: {kind: GitStateStore, name: %s}
        """
        .formatted(git, bucket, destination, git);
  }

  @Test
  void servesDestinationsAndStateStoresByKind() {
    String git = unique("git");
    String bucket = unique("bucket");
    String dest = unique("dest");
    apply(stores(git, bucket, dest)).statusCode(200);

    given()
        .get("/api/v1/destinations")
        .then()
        .statusCode(200)
        .body("kind", equalTo("DestinationList"))
        .body("items.metadata.name", hasItem(dest))
        .body("items.metadata.name", not(hasItem(git)));
    given()
        .get("/api/v1/destinations/" + dest)
        .then()
        .statusCode(200)
        .body("kind", equalTo("Destination"))
        .body("spec.stateStoreRef.name", equalTo(git));
    given()
        .get("/api/v1/gitstatestores")
        .then()
        .statusCode(200)
        .body("kind", equalTo("GitStateStoreList"))
        .body("items.metadata.name", hasItem(git))
        .body("items.metadata.name", not(hasItem(bucket)));
    given()
        .get("/api/v1/gitstatestores/" + git)
        .then()
        .statusCode(200)
        .body("spec.url", equalTo("file:///tmp/state.git"));
    given()
        .get("/api/v1/bucketstatestores")
        .then()
        .statusCode(200)
        .body("kind", equalTo("BucketStateStoreList"))
        .body("items.metadata.name", hasItem(bucket));
    given()
        .get("/api/v1/bucketstatestores/" + bucket)
        .then()
        .statusCode(200)
        .body("spec.bucketName", equalTo("state"));
    // A name of another kind is not found.
    given().get("/api/v1/gitstatestores/" + bucket).then().statusCode(404);
    given().get("/api/v1/destinations/" + git).then().statusCode(404);
  }

  @Test
  void showsTheReadyConditionStateWriterPublishedAndForgetsItOnATombstone() {
    String git = unique("git");
    String bucket = unique("bucket");
    String dest = unique("dest");
    apply(stores(git, bucket, dest)).statusCode(200);
    given().get("/api/v1/destinations/" + dest).then().statusCode(200).body("status", nullValue());

    readiness(
        "GitStateStore/" + git,
        new DestinationReadiness(
            "GitStateStore",
            git,
            1,
            false,
            "ErrorValidatingPermissions",
            "Error validating state store permissions: push refused",
            Instant.parse("2026-12-07T06:00:00Z")));
    readiness(
        dest,
        new DestinationReadiness(
            "Destination",
            dest,
            1,
            true,
            "TestDocumentsWritten",
            "Test documents written to State Store",
            Instant.parse("2026-12-07T06:01:00Z")));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                given()
                    .get("/api/v1/gitstatestores/" + git)
                    .then()
                    .statusCode(200)
                    .body("spec.url", equalTo("file:///tmp/state.git"))
                    .body("status.status", equalTo("NotReady"))
                    .body("status.observedGeneration", equalTo(1))
                    .body("status.conditions[0].type", equalTo("Ready"))
                    .body("status.conditions[0].status", equalTo("False"))
                    .body("status.conditions[0].reason", equalTo("ErrorValidatingPermissions"))
                    .body(
                        "status.conditions[0].message",
                        equalTo("Error validating state store permissions: push refused"))
                    .body(
                        "status.conditions[0].lastTransitionTime",
                        equalTo("2026-12-07T06:00:00Z")));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                given()
                    .get("/api/v1/destinations")
                    .then()
                    .statusCode(200)
                    .body(
                        "items.find { it.metadata.name == '"
                            + dest
                            + "' }.status.conditions[0].reason",
                        equalTo("TestDocumentsWritten"))
                    .body(
                        "items.find { it.metadata.name == '" + dest + "' }.status.status",
                        nullValue()));

    probe().publish(Topics.DESTINATIONS_STATUS, dest, null);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                given()
                    .get("/api/v1/destinations/" + dest)
                    .then()
                    .statusCode(200)
                    .body("status", nullValue()));
  }

  private static void readiness(String key, DestinationReadiness readiness) {
    probe()
        .publish(
            Topics.DESTINATIONS_STATUS,
            new EventCodec("/pledge/state-writer")
                .event(EventType.DESTINATION_READINESS, key, readiness));
  }

  @Test
  void refusesToDeleteAStateStoreADestinationUsesThenDeletesInOrder() {
    String git = unique("git");
    String bucket = unique("bucket");
    String dest = unique("dest");
    String other = unique("dest");
    apply(
            stores(git, bucket, dest)
                + """
                ---
                apiVersion: platform.kratix.io/v1alpha1
                kind: Destination
                metadata: {name: %s}
                spec:
                  path: worker-2
                  stateStoreRef: {kind: GitStateStore, name: %s}
                """
                    .formatted(other, git))
        .statusCode(200);
    String storeKey = "GitStateStore/" + git;

    given()
        .delete("/api/v1/gitstatestores/" + git)
        .then()
        .statusCode(409)
        .contentType(startsWith("application/problem+json"))
        .body("detail", containsString(dest))
        .body("detail", containsString(other));
    assertThat(publishedAfterMarker(storeKey, List.of(Topics.DESTINATIONS)))
        .extracting(CloudEvent::type)
        .containsExactly("pledge.destination.applied");

    for (String d : List.of(dest, other)) {
      given()
          .delete("/api/v1/destinations/" + d)
          .then()
          .statusCode(200)
          .body("kind", equalTo("Destination"))
          .body("name", equalTo(d))
          .body("outcome", equalTo("deleted"));
      CloudEvent deleted = probe().await("pledge.destination.deleted", d, WAIT);
      assertThat(EventCodec.data(deleted, DestinationDeleted.class))
          .isEqualTo(new DestinationDeleted("Destination", d));
      assertThat(recordOf(deleted).topic()).isEqualTo(Topics.DESTINATIONS);
      given().get("/api/v1/destinations/" + d).then().statusCode(404);
    }

    given().delete("/api/v1/gitstatestores/" + git).then().statusCode(200);
    CloudEvent storeDeleted = probe().await("pledge.destination.deleted", storeKey, WAIT);
    assertThat(EventCodec.data(storeDeleted, DestinationDeleted.class))
        .isEqualTo(new DestinationDeleted("GitStateStore", git));
    assertThat(recordOf(storeDeleted).key()).isEqualTo(storeKey);
    given().get("/api/v1/gitstatestores/" + git).then().statusCode(404);
    given().get("/api/v1/gitstatestores").then().body("items.metadata.name", not(hasItem(git)));

    given().delete("/api/v1/bucketstatestores/" + bucket).then().statusCode(200);
    probe().await("pledge.destination.deleted", "BucketStateStore/" + bucket, WAIT);
    given().get("/api/v1/bucketstatestores/" + bucket).then().statusCode(404);

    // Forgotten, so applying them again creates them.
    apply(stores(git, bucket, dest))
        .statusCode(200)
        .body("outcome", equalTo(List.of("created", "created", "created")));
  }

  @Test
  void answersNotFoundForUnknownPlatformObjects() {
    for (String path : List.of("promises", "destinations", "gitstatestores", "bucketstatestores")) {
      given()
          .delete("/api/v1/" + path + "/nobody")
          .then()
          .statusCode(404)
          .contentType(startsWith("application/problem+json"));
    }
    for (String path : List.of("destinations", "gitstatestores", "bucketstatestores")) {
      given()
          .get("/api/v1/" + path + "/nobody")
          .then()
          .statusCode(404)
          .contentType(startsWith("application/problem+json"));
    }
  }

  private static ConsumerRecord<String, String> recordOf(CloudEvent event) {
    return probe().records().stream()
        .filter(r -> r.value() != null && r.value().contains(event.id()))
        .findFirst()
        .orElseThrow();
  }
}
