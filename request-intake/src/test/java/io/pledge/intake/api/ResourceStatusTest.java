package io.pledge.intake.api;

import static io.pledge.intake.IntakeTestSupport.WAIT;
import static io.pledge.intake.IntakeTestSupport.probe;
import static io.pledge.intake.IntakeTestSupport.request;
import static io.pledge.intake.IntakeTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.Topics;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.pipeline.PipelineFailed;
import io.pledge.contract.pipeline.PipelineStarted;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.pipeline.WorkflowCompleted;
import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.contract.request.RequestAccepted;
import io.pledge.contract.request.RequestDeleted;
import io.pledge.contract.work.Placement;
import io.pledge.contract.work.WorkCommitted;
import io.pledge.contract.work.WorkRemoved;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class ResourceStatusTest {

  private static final EventCodec RUNNER = new EventCodec("/pledge/pipeline-runner");
  private static final EventCodec WRITER = new EventCodec("/pledge/state-writer");
  private static final String PIPELINE = "instance-configure";
  private static final String SHA = "3f786850e387550fdab836ed7e6dc881de23001b";

  @BeforeEach
  void seed() {
    IntakeTestSupport.seedPromise();
  }

  private static String create(String name, String spec) {
    IntakeTestSupport.post("application/yaml", request(name, spec)).then().statusCode(200);
    return "default/postgresql/" + name;
  }

  private static void status(EventType type, String key, Object data) {
    EventCodec codec = type.name().startsWith("WORK_") ? WRITER : RUNNER;
    probe().publish(Topics.STATUS, codec.event(type, key, data));
  }

  private static void runWorkflow(String key, long generation, ObjectNode statusYaml) {
    WorkflowRef ref = new WorkflowRef(key, "resource", "configure", generation);
    status(EventType.PIPELINE_STARTED, key, new PipelineStarted(ref, PIPELINE, 0, 1, 1));
    status(
        EventType.PIPELINE_SUCCEEDED,
        key,
        new PipelineSucceeded(ref, PIPELINE, 0, 1, statusYaml, 1));
    status(EventType.WORKFLOW_COMPLETED, key, new WorkflowCompleted(ref, List.of(PIPELINE)));
  }

  private static JsonPath get(String key) {
    return given()
        .get("/api/v1/resources/" + key)
        .then()
        .statusCode(200)
        .header("Warning", nullValue()) // the read barrier was reached: the answer is not stale
        .extract()
        .jsonPath();
  }

  @Test
  void showsPendingRightAfterTheApply() {
    String key = create(unique("pending"), "requester: ana");

    JsonPath doc = get(key);

    assertThat(doc.getString("status.message")).isEqualTo("Pending");
    assertThat(doc.getString("spec.size")).isEqualTo("small");
    assertThat(doc.getInt("metadata.generation")).isEqualTo(1);
    assertThat(doc.getList("status.conditions.type"))
        .contains("ConfigureWorkflowCompleted", "Reconciled");
    assertThat(doc.getString("status.conditions.find { it.type == 'Reconciled' }.status"))
        .isEqualTo("Unknown");
  }

  @Test
  void showsReconciledWithTheCommitOnceTheWorkIsCommitted() {
    String key = create(unique("reconciled"), "requester: ana");
    ObjectNode statusYaml = EventCodec.JSON.createObjectNode();
    statusYaml.put("message", "1Gi instance v16 deployed successfully without backups");
    statusYaml.putObject("connectionDetails").put("host", "acid-x.default.svc.cluster.local");
    String path = "worker-1/resources/" + key + "/" + PIPELINE + "/5058f/postgres-instance.yaml";

    runWorkflow(key, 1, statusYaml);
    status(
        EventType.WORK_COMMITTED,
        key,
        new WorkCommitted(
            key,
            1,
            PIPELINE,
            List.of(
                new Placement(
                    "worker-1", "5058f", "GitStateStore/default", SHA, List.of(path), false))));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        get(key)
                            .getString("status.conditions.find { it.type == 'Reconciled' }.status"))
                    .isEqualTo("True"));
    JsonPath doc = get(key);
    assertThat(doc.getString("status.message"))
        .isEqualTo("1Gi instance v16 deployed successfully without backups");
    assertThat(doc.getString("status.connectionDetails.host"))
        .isEqualTo("acid-x.default.svc.cluster.local");
    assertThat(doc.getInt("status.observedGeneration")).isEqualTo(1);
    assertThat(doc.getString("status.conditions.find { it.type == 'WorksSucceeded' }.status"))
        .isEqualTo("True");
    assertThat(
            doc.getString(
                "status.conditions.find { it.type == 'ConfigureWorkflowCompleted' }.reason"))
        .isEqualTo("PipelinesExecutedSuccessfully");
    assertThat(
            doc.getString("status.conditions.find { it.type == 'Reconciled' }.lastTransitionTime"))
        .isNotBlank();
    assertThat(doc.getString("status.kratix.workflows.pipelines[0].name")).isEqualTo(PIPELINE);
    assertThat(doc.getString("status.kratix.workflows.pipelines[0].phase")).isEqualTo("Succeeded");
    assertThat(doc.getString("status.destinations[0].name")).isEqualTo("worker-1");
    assertThat(doc.getString("status.destinations[0].pipeline")).isEqualTo(PIPELINE);
    assertThat(doc.getString("status.destinations[0].workloadGroupId")).isEqualTo("5058f");
    assertThat(doc.getString("status.destinations[0].commit")).isEqualTo(SHA);
    assertThat(doc.getList("status.destinations[0].paths")).containsExactly(path);
  }

  @Test
  void showsTheMessageKratixDefaultsToWhenThePipelineSetsNone() {
    String key = create(unique("requested"), "requester: ana");

    runWorkflow(key, 1, null);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(get(key).getString("status.message")).isEqualTo("Resource requested"));
  }

  @Test
  void showsTheLastFailure() {
    String key = create(unique("failing"), "requester: ana");
    WorkflowRef ref = new WorkflowRef(key, "resource", "configure", 1);
    status(EventType.PIPELINE_STARTED, key, new PipelineStarted(ref, PIPELINE, 0, 1, 1));
    status(
        EventType.PIPELINE_FAILED,
        key,
        new PipelineFailed(
            ref, PIPELINE, "postgresql-configure-pipeline", 2, "exited 2", "yq: error"));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(get(key).getString("status.lastFailure.reason")).isEqualTo("exited 2"));
    JsonPath doc = get(key);
    assertThat(doc.getString("status.conditions.find { it.type == 'Reconciled' }.message"))
        .isEqualTo("Failing");
    assertThat(doc.getString("status.kratix.workflows.pipelines[0].phase")).isEqualTo("Failed");
  }

  @Test
  void answersNotFoundForAnUnknownResource() {
    given()
        .get("/api/v1/resources/default/postgresql/" + unique("nobody"))
        .then()
        .statusCode(404)
        .contentType(startsWith("application/problem+json"))
        .body("status", equalTo(404));
  }

  @Test
  void deletingPublishesAcceptedThenDeletedAndTheResourceGoesAwayOnceRemoved() {
    String name = unique("gone");
    String key = create(name, "requester: ana");

    given()
        .delete("/api/v1/resources/" + key)
        .then()
        .statusCode(202)
        .body("outcome", equalTo("deleted"))
        .body("generation", equalTo(1));

    RequestAccepted accepted =
        EventCodec.data(
            probe()
                .await(
                    e ->
                        e.type().equals("pledge.request.accepted")
                            && key.equals(e.subject())
                            && "delete".equals(e.data().path("action").asText()),
                    WAIT),
            RequestAccepted.class);
    RequestDeleted deleted =
        EventCodec.data(probe().await("pledge.request.deleted", key, WAIT), RequestDeleted.class);
    assertThat(accepted.generation()).isEqualTo(1);
    assertThat(deleted.key()).isEqualTo(ResourceKey.parse(key));
    assertThat(deleted.resource().at("/spec/requester").asText()).isEqualTo("ana");
    // While the delete runs the resource is still there, saying so; a second delete is a no-op.
    assertThat(get(key).getString("status.message")).isEqualTo("Deleting");
    given()
        .delete("/api/v1/resources/" + key)
        .then()
        .statusCode(202)
        .body("outcome", equalTo("unchanged"));

    status(EventType.WORK_REMOVED, key, new WorkRemoved(key, 1, List.of()));

    await()
        .atMost(WAIT)
        .untilAsserted(() -> given().get("/api/v1/resources/" + key).then().statusCode(404));
    given().delete("/api/v1/resources/" + key).then().statusCode(404);
  }

  @Test
  void reapplyingAfterADeleteContinuesTheGeneration() {
    String name = unique("again");
    String key = create(name, "requester: ana");
    given().delete("/api/v1/resources/" + key).then().statusCode(202);

    IntakeTestSupport.post("application/yaml", request(name, "requester: ana"))
        .then()
        .statusCode(200)
        .body("[0].outcome", equalTo("created"))
        .body("[0].generation", equalTo(2));
  }

  @Test
  void listsRequestsAsAKubectlTableOrAList() {
    String name = unique("listed");
    String key = create(name, "requester: ana");
    runWorkflow(key, 1, null);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(get(key).getString("status.message")).isEqualTo("Resource requested"));

    String table =
        given()
            .accept("text/plain")
            .get("/api/v1/resources/default/postgresql")
            .then()
            .statusCode(200)
            .contentType(startsWith("text/plain"))
            .extract()
            .asString();
    assertThat(table.lines().findFirst().orElseThrow()).matches("NAME\\s+MESSAGE\\s+STATUS");
    assertThat(table).containsPattern(name + "\\s+Resource requested\\s+Pending");

    given()
        .get("/api/v1/resources/default/postgresql")
        .then()
        .statusCode(200)
        .contentType(startsWith("application/json"))
        .header("Warning", nullValue())
        .body("kind", equalTo("postgresqlList"))
        .body("items.metadata.name", hasItem(name));
  }

  @Test
  void servesYamlWhenAsked() {
    String key = create(unique("yaml"), "requester: ana");

    given()
        .accept("application/yaml")
        .get("/api/v1/resources/" + key)
        .then()
        .statusCode(200)
        .contentType(startsWith("application/yaml"))
        .body(containsString("kind: postgresql"))
        .body(containsString("message: Pending"));
  }

  @Test
  void showsAPromiseAvailableOnceItsWorkflowCompleted() {
    String name = unique("redis");
    String promise =
        """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata:
          name: %s
          labels: {kratix.io/promise-version: v1.2.0}
        spec:
          api:
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: %ss.marketplace.kratix.io}
            spec:
              group: marketplace.kratix.io
              names: {kind: %s, plural: %ss}
              scope: Namespaced
              versions:
                - name: v1alpha1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
        """
            .formatted(name, name, name, name);
    IntakeTestSupport.post("application/yaml", promise)
        .then()
        .statusCode(200)
        .body("[0].generation", equalTo(1));
    given()
        .get("/api/v1/promises/" + name)
        .then()
        .statusCode(200)
        .body("status.status", equalTo("Unavailable"));

    WorkflowRef ref = new WorkflowRef(name, "promise", "configure", 1);
    status(
        EventType.PIPELINE_STARTED, name, new PipelineStarted(ref, "promise-configure", 0, 1, 1));
    status(
        EventType.PIPELINE_SUCCEEDED,
        name,
        new PipelineSucceeded(ref, "promise-configure", 0, 1, null, 0));
    status(
        EventType.WORKFLOW_COMPLETED,
        name,
        new WorkflowCompleted(ref, List.of("promise-configure")));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                given()
                    .get("/api/v1/promises/" + name)
                    .then()
                    .body("status.status", equalTo("Available")));
    given()
        .get("/api/v1/promises/" + name)
        .then()
        .body("status.conditions.find { it.type == 'Available' }.status", equalTo("True"))
        .body("status.version", equalTo("v1.2.0"))
        .body("status.apiVersion", equalTo("marketplace.kratix.io/v1alpha1"))
        .body("status.kind", equalTo(name))
        .body("status.message", equalTo("Promise configured"))
        .body("status.workflows", equalTo(1))
        .body("status.workflowsSucceeded", equalTo(1))
        .body("status.workflowsFailed", equalTo(0))
        .body(
            "status.lastAvailableTime",
            equalTo(
                given()
                    .get("/api/v1/promises/" + name)
                    .jsonPath()
                    .getString(
                        "status.conditions.find { it.type == 'Available' }.lastTransitionTime")))
        .body("status.lastAvailableTime", startsWith("20"))
        .body("status.kratix.status", equalTo("Available"))
        .body("status.kratix.workflows.lastSuccessfulConfigureWorkflowTime", startsWith("20"))
        .body("metadata.generation", equalTo(1));
    given()
        .get("/api/v1/promises")
        .then()
        .statusCode(200)
        .body("items.metadata.name", hasItem(name));
    given().get("/api/v1/promises/" + unique("none")).then().statusCode(404);
  }

  @Test
  void isReadyOnceTheViewIsReplayed() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body(containsString("intake-view-replay"));
  }

  @Test
  void servesTheOpenApiDocument() {
    given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/apply"));
  }
}
