package io.pledge.intake.api;

import static io.pledge.intake.IntakeTestSupport.WAIT;
import static io.pledge.intake.IntakeTestSupport.assertNothingPublishedAbout;
import static io.pledge.intake.IntakeTestSupport.count;
import static io.pledge.intake.IntakeTestSupport.probe;
import static io.pledge.intake.IntakeTestSupport.publishedAfterMarker;
import static io.pledge.intake.IntakeTestSupport.request;
import static io.pledge.intake.IntakeTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.contract.request.RequestAccepted;
import io.pledge.contract.request.RequestApplied;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class ApplyResourceTest {

  private static final String YAML = "application/yaml";

  @BeforeEach
  void seed() {
    IntakeTestSupport.seedPromise();
  }

  private static ValidatableResponse apply(String contentType, String body) {
    return IntakeTestSupport.post(contentType, body).then();
  }

  @Test
  void publishesThePromiseOnThePromiseTopicWithItsGeneration() {
    CloudEvent event = probe().await("pledge.promise.applied", "postgresql", WAIT);

    PromiseApplied applied = EventCodec.data(event, PromiseApplied.class);
    assertThat(applied.generation()).isEqualTo(1);
    assertThat(applied.promise().at("/metadata/generation").asLong()).isEqualTo(1);
    assertThat(applied.promise().at("/spec/api/spec/group").asText())
        .isEqualTo("workshop.kratix.io");
  }

  @Test
  void acceptsAValidRequestAndPublishesItWithDefaultsApplied() {
    String name = unique("defaults");
    String key = "default/postgresql/" + name;

    apply(YAML, request(name, "requester: ana"))
        .statusCode(200)
        .contentType(containsString("application/json"))
        .body("[0].kind", equalTo("postgresql"))
        .body("[0].name", equalTo(name))
        .body("[0].namespace", equalTo("default"))
        .body("[0].generation", equalTo(1))
        .body("[0].outcome", equalTo("created"));

    RequestAccepted accepted =
        EventCodec.data(probe().await("pledge.request.accepted", key, WAIT), RequestAccepted.class);
    RequestApplied applied =
        EventCodec.data(probe().await("pledge.request.applied", key, WAIT), RequestApplied.class);
    assertThat(accepted.action()).isEqualTo("apply");
    assertThat(accepted.generation()).isEqualTo(1);
    assertThat(accepted.specHash()).isEqualTo(applied.specHash()).hasSize(64);
    JsonNode resource = applied.resource();
    assertThat(resource.at("/spec/size").asText()).isEqualTo("small");
    assertThat(resource.at("/spec/dbName").asText()).isEqualTo("postgres");
    assertThat(resource.at("/spec/requester").asText()).isEqualTo("ana");
    assertThat(resource.at("/metadata/generation").asLong()).isEqualTo(1);
    assertThat(resource.at("/metadata/namespace").asText()).isEqualTo("default");
    assertThat(resource.at("/metadata/labels/kratix.io~1promise-name").asText())
        .isEqualTo("postgresql");
    assertThat(resource.at("/apiVersion").asText()).isEqualTo("workshop.kratix.io/v1");
  }

  @Test
  void reapplyingAnIdenticalRequestChangesNothing() {
    String name = unique("same");
    String key = "default/postgresql/" + name;
    apply(YAML, request(name, "requester: ana\nsize: small")).statusCode(200);

    // Key order and explicit defaults do not make a difference.
    apply(YAML, request(name, "dbName: postgres\nrequester: ana"))
        .statusCode(200)
        .body("[0].outcome", equalTo("unchanged"))
        .body("[0].generation", equalTo(1));

    List<CloudEvent> events = publishedAfterMarker(key);
    assertThat(events)
        .extracting(CloudEvent::type)
        .containsExactlyInAnyOrder("pledge.request.accepted", "pledge.request.applied");
  }

  @Test
  void changingTheSpecBumpsTheGeneration() {
    String name = unique("bump");
    String key = "default/postgresql/" + name;
    apply(YAML, request(name, "requester: ana")).statusCode(200);

    apply(YAML, request(name, "requester: ana\nsize: large"))
        .statusCode(200)
        .body("[0].outcome", equalTo("configured"))
        .body("[0].generation", equalTo(2));

    CloudEvent second =
        probe()
            .await(
                e ->
                    e.type().equals("pledge.request.applied")
                        && key.equals(e.subject())
                        && e.data().path("generation").asLong() == 2,
                WAIT);
    assertThat(second.data().at("/resource/spec/size").asText()).isEqualTo("large");
    assertThat(second.data().at("/resource/metadata/generation").asLong()).isEqualTo(2);
  }

  @Test
  void rejectsAValueOutsideTheSchemaAndPublishesNothing() {
    String name = unique("huge");

    apply(YAML, request(name, "requester: ana\nsize: huge"))
        .statusCode(422)
        .contentType(startsWith("application/problem+json"))
        .body("status", equalTo(422))
        .body("type", containsString("invalid-document"))
        .body("errors.path", hasItem("/spec/size"));

    assertNothingPublishedAbout("default/postgresql/" + name);
  }

  @Test
  void rejectsAMissingRequiredFieldNamingIt() {
    String name = unique("norequester");

    apply(YAML, request(name, "size: small"))
        .statusCode(422)
        .contentType(startsWith("application/problem+json"))
        .body("errors.path", hasItem("/spec/requester"))
        .body("errors.message", hasItem(containsString("requester")));

    assertNothingPublishedAbout("default/postgresql/" + name);
  }

  @Test
  void listsEveryFailingField() {
    String name = unique("many");

    apply(YAML, request(name, "size: huge\ndbName: 7\ncolour: red"))
        .statusCode(422)
        .body("errors.path", hasItem("/spec/size"))
        .body("errors.path", hasItem("/spec/dbName"))
        .body("errors.path", hasItem("/spec/requester"))
        .body("errors.path", hasItem("/spec/colour"));
  }

  @Test
  void rejectsNamesThatCouldEscapeADirectory() {
    for (String bad : List.of("../x", "a/b", "\"\"", "x".repeat(64), "Upper")) {
      String body =
          """
          apiVersion: workshop.kratix.io/v1
          kind: postgresql
          metadata:
            name: %s
          spec:
            requester: ana
          """
              .formatted(bad);
      apply(YAML, body)
          .statusCode(422)
          .contentType(startsWith("application/problem+json"))
          .body("errors.path", hasItem("/metadata/name"));
    }
    String badNamespace =
        request("fine", "requester: ana").replace("namespace: default", "namespace: ../etc");
    apply(YAML, badNamespace).statusCode(422).body("errors.path", hasItem("/metadata/namespace"));
  }

  @Test
  void rejectsMalformedYamlAndJson() {
    apply(YAML, "apiVersion: [unclosed\n  kind: : :")
        .statusCode(400)
        .contentType(startsWith("application/problem+json"))
        .body("status", equalTo(400));
    apply("application/json", "{\"apiVersion\": ")
        .statusCode(400)
        .contentType(startsWith("application/problem+json"));
    apply(YAML, "- just\n- a list of strings\n").statusCode(400);
    apply(YAML, "").statusCode(400);
  }

  @Test
  void answersNotFoundForAKindNoPromiseOffers() {
    String body =
        """
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        spec: {}
        """;
    apply(YAML, body)
        .statusCode(404)
        .contentType(startsWith("application/problem+json"))
        .body("detail", containsString("Widget"));
    apply(YAML, body.replace("example.com/v1", "platform.kratix.io/v1alpha1")).statusCode(404);
    assertNothingPublishedAbout("default/widget/w");
  }

  @Test
  void refusesOtherContentTypes() {
    apply("text/plain", "hello")
        .statusCode(415)
        .contentType(startsWith("application/problem+json"))
        .body("status", equalTo(415));
  }

  @Test
  void refusesABodyOverTheLimit() {
    String big = "# " + "x".repeat(1_100_000) + "\n" + request(unique("big"), "requester: ana");

    // The service answers before reading a body it refuses, then closes the connection. A client
    // that writes the whole body first races that close and may see a reset instead of the answer;
    // one that waits for "100 Continue", as curl does for bodies over 1 MB, always reads the 413.
    given()
        .contentType(YAML)
        .header("Expect", "100-continue")
        .body(big.getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/apply")
        .then()
        .statusCode(413)
        .contentType(startsWith("application/problem+json"))
        .body("status", equalTo(413));
  }

  @Test
  void answersUnknownPathsWithAProblem() {
    given()
        .get("/api/v1/nothing-here")
        .then()
        .statusCode(404)
        .contentType(startsWith("application/problem+json"));
    given()
        .put("/api/v1/apply")
        .then()
        .statusCode(405)
        .contentType(startsWith("application/problem+json"));
  }

  @Test
  void appliesNothingWhenAnyDocumentIsInvalid() {
    String good = unique("good");
    String bad = unique("bad");
    String body = request(good, "requester: ana") + "---\n" + request(bad, "size: huge");

    apply(YAML, body)
        .statusCode(422)
        .body("errors.path", hasItem("/1/spec/size"))
        .body("errors.path", hasItem("/1/spec/requester"))
        .body("detail", containsString("document 2"));

    assertNothingPublishedAbout("default/postgresql/" + good);
  }

  @Test
  void appliesSeveralYamlDocumentsInOrder() {
    String first = unique("first");
    String second = unique("second");
    String body =
        "---\n" + request(first, "requester: a") + "---\n" + request(second, "requester: b");

    apply(YAML, body)
        .statusCode(200)
        .body("name", equalTo(List.of(first, second)))
        .body("outcome", equalTo(List.of("created", "created")));
  }

  @Test
  void acceptsJsonArraysAndOtherYamlMediaTypes() {
    String a = unique("json");
    String b = unique("json");
    String json =
        """
        [{"apiVersion": "workshop.kratix.io/v1", "kind": "postgresql",
          "metadata": {"name": "%s"}, "spec": {"requester": "ana"}},
         {"apiVersion": "workshop.kratix.io/v1", "kind": "postgresql",
          "metadata": {"name": "%s"}, "spec": {"requester": "bo"}}]
        """
            .formatted(a, b);

    apply("application/json", json)
        .statusCode(200)
        .body("outcome", equalTo(List.of("created", "created")));
    apply("application/x-yaml", request(unique("xyaml"), "requester: c")).statusCode(200);
    apply("text/yaml", request(unique("tyaml"), "requester: c")).statusCode(200);
  }

  @Test
  void answersInYamlWhenAsked() {
    String body =
        given()
            .contentType(YAML)
            .accept(YAML)
            .body(request(unique("yaml"), "requester: ana").getBytes(StandardCharsets.UTF_8))
            .post("/api/v1/apply")
            .then()
            .statusCode(200)
            .contentType(startsWith("application/yaml"))
            .extract()
            .asString();

    assertThat(body).contains("outcome: created").contains("kind: postgresql");
  }

  @Test
  void appliesDestinationsAndStateStores() {
    String store = unique("store");
    String dest = unique("worker");
    String body =
        """
        apiVersion: platform.kratix.io/v1alpha1
        kind: GitStateStore
        metadata: {name: %s}
        spec: {url: file:///tmp/state.git, branch: main}
        ---
        apiVersion: platform.kratix.io/v1alpha1
        kind: Destination
        metadata:
          name: %s
          labels: {environment: dev}
        spec:
          path: worker-1
          stateStoreRef: {kind: GitStateStore, name: %s}
        """
            .formatted(store, dest, store);

    apply(YAML, body).statusCode(200).body("outcome", equalTo(List.of("created", "created")));
    apply(YAML, body).statusCode(200).body("outcome", equalTo(List.of("unchanged", "unchanged")));

    CloudEvent storeEvent =
        probe().await("pledge.destination.applied", "GitStateStore/" + store, WAIT);
    CloudEvent destEvent = probe().await("pledge.destination.applied", dest, WAIT);
    assertThat(EventCodec.data(storeEvent, DestinationApplied.class).kind())
        .isEqualTo("GitStateStore");
    assertThat(
            EventCodec.data(destEvent, DestinationApplied.class)
                .document()
                .at("/spec/path")
                .asText())
        .isEqualTo("worker-1");
    assertThat(count("pledge.destination.applied", dest)).isEqualTo(1);
  }

  @Test
  void rejectsADestinationPathThatEscapesTheStore() {
    String body =
        """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Destination
        metadata: {name: %s}
        spec:
          path: ../../etc
          stateStoreRef: {kind: GitStateStore, name: default}
        """
            .formatted(unique("escape"));

    apply(YAML, body).statusCode(422).body("errors.path", hasItem("/spec/path"));
  }

  @Test
  void rejectsAPromiseWhoseApiChangesKind() {
    String promise =
        IntakeTestSupport.resource("/postgres/promise.yaml")
            .replace("kind: postgresql", "kind: postgres");

    apply(YAML, promise).statusCode(422).body("errors.path", hasItem("/spec/api/spec/names/kind"));
  }
}
