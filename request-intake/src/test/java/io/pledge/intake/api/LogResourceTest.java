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
import static org.hamcrest.Matchers.startsWith;

import io.pledge.contract.Topics;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.pipeline.PipelineLog;
import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.intake.kafka.TopicReplayer;
import io.pledge.intake.logs.LogRenderer;
import io.pledge.intake.logs.LogReplaySink;
import io.pledge.intake.logs.LogStore;
import io.pledge.kafka.health.VitalThreads;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class LogResourceTest {

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

  private static void publishLog(
      String key, long generation, String pipeline, String container, String out, String err) {
    probe()
        .publish(
            Topics.LOGS,
            RUNNER.event(
                EventType.PIPELINE_LOG,
                key,
                new PipelineLog(
                    new WorkflowRef(key, "resource", "configure", generation),
                    pipeline,
                    container,
                    out,
                    err,
                    0,
                    false)));
  }

  @Test
  void servesStageOutputAsPlainTextByDefault() {
    String key = create(unique("logs"));
    publishLog(key, 1, "instance-configure", "create", "rendered 3 manifests\n", "");
    publishLog(key, 1, "instance-configure", "scan", "image postgres:16\n", "no CVE db\n");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                given()
                    .get("/api/v1/resources/" + key + "/logs")
                    .then()
                    .statusCode(200)
                    .contentType(startsWith("text/plain"))
                    .body(
                        equalTo(
                            "==> resource configure, generation 1, pipeline instance-configure,"
                                + " container create (exit 0) <==\n"
                                + "rendered 3 manifests\n"
                                + "==> resource configure, generation 1, pipeline instance-configure,"
                                + " container scan (exit 0) <==\n"
                                + "image postgres:16\n"
                                + "--- stderr\n"
                                + "no CVE db\n")));
  }

  @Test
  void servesJsonWhenAskedAndFiltersByPipelineAndGeneration() {
    String key = create(unique("logs-json"));
    publishLog(key, 1, "first", "c", "g1 first", "");
    publishLog(key, 1, "second", "c", "g1 second", "");
    publishLog(key, 2, "first", "c", "g2 first", "");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonPath all =
                  given()
                      .accept("application/json")
                      .get("/api/v1/resources/" + key + "/logs")
                      .then()
                      .statusCode(200)
                      .extract()
                      .jsonPath();
              assertThat(all.getList("runs.generation", Long.class)).containsExactly(1L, 2L);
            });
    JsonPath second =
        given()
            .accept("application/json")
            .queryParam("pipeline", "second")
            .get("/api/v1/resources/" + key + "/logs")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(second.getList("runs.containers.stdout.flatten()", String.class))
        .containsExactly("g1 second");
    given()
        .queryParam("generation", 2)
        .get("/api/v1/resources/" + key + "/logs")
        .then()
        .statusCode(200)
        .body(containsString("g2 first"))
        .body(org.hamcrest.Matchers.not(containsString("g1")));
  }

  @Test
  void servesPromiseWorkflowOutputToo() {
    String marker = unique("promise-configure-output");
    probe()
        .publish(
            Topics.LOGS,
            RUNNER.event(
                EventType.PIPELINE_LOG,
                "postgresql",
                new PipelineLog(
                    new WorkflowRef("postgresql", "promise", "configure", 1),
                    "promise-configure",
                    "install",
                    marker,
                    "",
                    0,
                    false)));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                given()
                    .get("/api/v1/promises/postgresql/logs")
                    .then()
                    .statusCode(200)
                    .body(containsString("==> promise configure, generation 1"))
                    .body(containsString(marker)));
  }

  @Test
  void answers404ForAResourceWithNeitherRequestNorLogs() {
    given()
        .get("/api/v1/resources/default/postgresql/" + unique("nobody") + "/logs")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }

  @Test
  void aRestartedInstanceRebuildsTheSameLogsFromTheTopic() {
    String key = create(unique("logs-restart"));
    publishLog(key, 1, "instance-configure", "create", "before the restart\n", "");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                given()
                    .get("/api/v1/resources/" + key + "/logs")
                    .then()
                    .body(containsString("before the restart")));
    String served = given().get("/api/v1/resources/" + key + "/logs").asString();

    // A new instance's store starts empty and is filled by replaying pledge.logs from the start.
    LogStore fresh = new LogStore(10, 1_000_000, 10_000_000);
    String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    try (TopicReplayer replayer =
        new TopicReplayer(
            Map.of("bootstrap.servers", bootstrap),
            List.of(Topics.LOGS),
            "logs-restart-test",
            new LogReplaySink(fresh))) {
      replayer.start(new VitalThreads());
      await().atMost(WAIT).until(replayer::caughtUp);
      assertThat(LogRenderer.text(fresh.runs(key, LogStore.Filter.ALL))).isEqualTo(served);
    }
  }
}
