package io.pledge.intake.api;

import static io.pledge.intake.IntakeTestSupport.WAIT;
import static io.pledge.intake.IntakeTestSupport.probe;
import static io.pledge.intake.IntakeTestSupport.request;
import static io.pledge.intake.IntakeTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.pledge.contract.Topics;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.pipeline.WorkflowCompleted;
import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.contract.request.ReconcileRequested;
import io.pledge.contract.work.WorkRemoved;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class WatchAndReconcileTest {

  private static final EventCodec RUNNER = new EventCodec("/pledge/pipeline-runner");

  @BeforeEach
  void seed() {
    IntakeTestSupport.seedPromise();
  }

  private static String create(String name) {
    IntakeTestSupport.post("application/yaml", request(name, "requester: ana"))
        .then()
        .statusCode(200);
    return "default/postgresql/" + name;
  }

  /** Reads an SSE stream on a background thread: "event: X" and "data: ..." lines. */
  private static final class Stream implements AutoCloseable {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final InputStream body;
    final int status;

    Stream(String path) throws Exception {
      HttpResponse<InputStream> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      status = response.statusCode();
      body = response.body();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    lines.add(line);
                  }
                } catch (Exception e) {
                  // closed
                }
              });
      reader.setDaemon(true);
      reader.start();
    }

    long events(String type) {
      return lines.stream()
          .filter(l -> l.equals("event:" + type) || l.equals("event: " + type))
          .count();
    }

    boolean data(String fragment) {
      return lines.stream().anyMatch(l -> l.startsWith("data:") && l.contains(fragment));
    }

    @Override
    public void close() throws Exception {
      body.close();
    }
  }

  @Test
  void watchStreamsTheCurrentStateThenEveryChange() throws Exception {
    String key = create(unique("watched"));

    try (Stream stream = new Stream("/api/v1/resources/" + key + "?watch=true")) {
      assertThat(stream.status).isEqualTo(200);
      await().atMost(WAIT).until(() -> stream.events("ADDED") == 1 && stream.data("\"Pending\""));

      probe()
          .publish(
              Topics.STATUS,
              RUNNER.event(
                  EventType.WORKFLOW_COMPLETED,
                  key,
                  new WorkflowCompleted(
                      new WorkflowRef(key, "resource", "configure", 1), List.of())));

      await()
          .atMost(WAIT)
          .until(() -> stream.data("Resource requested") && stream.events("MODIFIED") >= 1);
      assertThat(stream.lines.stream().filter(l -> l.startsWith("data:")).toList().get(0))
          .contains("\"kind\":\"postgresql\"");
    }
  }

  @Test
  void watchingAllRequestsReportsAddsAndDeletes() throws Exception {
    try (Stream stream = new Stream("/api/v1/resources/watched-ns/postgresql?watch=true")) {
      String name = unique("listwatch");
      IntakeTestSupport.post(
              "application/yaml",
              request(name, "requester: ana")
                  .replace("namespace: default", "namespace: watched-ns"))
          .then()
          .statusCode(200);
      String key = "watched-ns/postgresql/" + name;
      await().atMost(WAIT).until(() -> stream.events("ADDED") >= 1 && stream.data(name));

      given().delete("/api/v1/resources/" + key).then().statusCode(202);
      probe()
          .publish(
              Topics.STATUS,
              new EventCodec("/pledge/state-writer")
                  .event(EventType.WORK_REMOVED, key, new WorkRemoved(key, 1, List.of())));

      await().atMost(WAIT).until(() -> stream.events("DELETED") == 1);
    }
  }

  private static final String CACHE_PROMISE =
      """
      apiVersion: platform.kratix.io/v1alpha1
      kind: Promise
      metadata:
        name: nscache
      spec:
        api:
          apiVersion: apiextensions.k8s.io/v1
          kind: CustomResourceDefinition
          metadata:
            name: caches.nswatch.example.io
          spec:
            group: nswatch.example.io
            names: {kind: Cache, plural: caches, singular: cache}
            scope: Namespaced
            versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
      """;

  @Test
  void watchingANamespaceReportsTheRequestsOfEveryPromiseInIt() throws Exception {
    IntakeTestSupport.post("application/yaml", CACHE_PROMISE).then().statusCode(200);
    String namespace = unique("nsw");
    String database = unique("db");
    String cache = unique("cache");
    String elsewhere = unique("elsewhere");
    String other = unique("nso");
    IntakeTestSupport.post(
            "application/yaml",
            request(database, "requester: ana")
                .replace("namespace: default", "namespace: " + namespace))
        .then()
        .statusCode(200);

    try (Stream stream = new Stream("/api/v1/resources/" + namespace + "?watch=true")) {
      assertThat(stream.status).isEqualTo(200);
      await().atMost(WAIT).until(() -> stream.events("ADDED") == 1 && stream.data(database));

      IntakeTestSupport.post(
              "application/yaml",
              request(elsewhere, "requester: ana")
                  .replace("namespace: default", "namespace: " + other))
          .then()
          .statusCode(200);
      IntakeTestSupport.post(
              "application/yaml",
              """
              apiVersion: nswatch.example.io/v1
              kind: Cache
              metadata: {name: %s, namespace: %s}
              spec: {size: 1}
              """
                  .formatted(cache, namespace))
          .then()
          .statusCode(200);

      await().atMost(WAIT).until(() -> stream.events("ADDED") == 2 && stream.data(cache));
      assertThat(stream.data(elsewhere)).isFalse();
      assertThat(stream.data("\"kind\":\"Cache\"")).isTrue();
    }

    given()
        .get("/api/v1/resources/" + namespace)
        .then()
        .statusCode(200)
        .body("kind", equalTo("List"))
        .body("items.metadata.name", org.hamcrest.Matchers.containsInAnyOrder(database, cache));
  }

  @Test
  void watchingAnUnknownResourceIsNotFound() {
    given()
        .get("/api/v1/resources/default/postgresql/" + unique("ghost") + "?watch=true")
        .then()
        .statusCode(404)
        .contentType(startsWith("application/problem+json"));
  }

  @Test
  void plainGetsStillAnswerJson() {
    String key = create(unique("plain"));

    given()
        .get("/api/v1/resources/" + key)
        .then()
        .statusCode(200)
        .contentType(startsWith("application/json"));
    given()
        .get("/api/v1/resources/default/postgresql")
        .then()
        .statusCode(200)
        .contentType(startsWith("application/json"));
  }

  @Test
  void reconcileRerunsTheWorkflowAtTheCurrentGeneration() {
    String key = create(unique("again"));

    given()
        .post("/api/v1/resources/" + key + "/reconcile")
        .then()
        .statusCode(202)
        .body("outcome", equalTo("reconciling"))
        .body("generation", equalTo(1));

    ReconcileRequested reconcile =
        EventCodec.data(
            probe().await("pledge.request.reconcile", key, WAIT), ReconcileRequested.class);
    assertThat(reconcile.generation()).isEqualTo(1);
    assertThat(reconcile.reason()).isEqualTo("manual");
    assertThat(reconcile.resource().at("/spec/size").asText()).isEqualTo("small");
    probe()
        .await(
            e ->
                e.type().equals("pledge.request.accepted")
                    && key.equals(e.subject())
                    && "reconcile".equals(e.data().path("action").asText()),
            WAIT);
    given()
        .post("/api/v1/resources/default/postgresql/" + unique("nobody") + "/reconcile")
        .then()
        .statusCode(404);
  }
}
