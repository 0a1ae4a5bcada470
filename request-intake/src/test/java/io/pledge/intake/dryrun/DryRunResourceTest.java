package io.pledge.intake.dryrun;

import static io.pledge.intake.IntakeTestSupport.WAIT;
import static io.pledge.intake.IntakeTestSupport.assertNothingPublishedAbout;
import static io.pledge.intake.IntakeTestSupport.request;
import static io.pledge.intake.IntakeTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pledge.contract.dryrun.DryRunCompleted;
import io.pledge.contract.dryrun.DryRunRequested;
import io.pledge.contract.work.DestinationSelector;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/apply?dryRun=true} against a fake pipeline-runner that answers over Kafka
 * according to the request's name: {@code ok-*} renders a file, {@code fail-*} fails, {@code
 * unavailable-*} has no Available Promise, {@code silent-*} never answers.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@TestProfile(DryRunResourceTest.ShortTimeout.class)
class DryRunResourceTest {

  /** A short dry-run timeout, so the 504 test does not wait long. */
  public static class ShortTimeout implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("pledge.intake.dry-run.timeout", "2s");
    }
  }

  private static final String YAML = "application/yaml";
  private static final String MANIFEST = "kind: postgresql\nmetadata:\n  name: acid-%s\n";

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  private FakeRunner runner;

  @BeforeEach
  void setUp() {
    IntakeTestSupport.seedPromise();
    runner = new FakeRunner(bootstrap, DryRunResourceTest::answer);
  }

  @AfterEach
  void tearDown() {
    runner.close();
  }

  private static DryRunCompleted answer(DryRunRequested r) {
    String name = r.key().name();
    if (name.startsWith("silent-")) {
      return null;
    }
    if (name.startsWith("unavailable-")) {
      return new DryRunCompleted(
          r.correlationId(),
          r.key(),
          r.generation(),
          DryRunCompleted.UNAVAILABLE,
          "Promise postgresql is not Available: its configure workflow failed",
          1L,
          List.of(),
          null,
          null,
          3);
    }
    DryRunCompleted.Container scan =
        new DryRunCompleted.Container("scan", 2, "", "image unknown: foo\n", false);
    DryRunCompleted.Pipeline rendered =
        new DryRunCompleted.Pipeline(
            "instance-configure",
            DryRunCompleted.SUCCEEDED,
            JsonNodeFactory.instance
                .objectNode()
                .put("size", r.resource().at("/spec/size").asText()),
            List.of(
                new DryRunCompleted.WorkloadGroup(
                    "5058f1af8388633f609cadb75a75dc9d",
                    ".",
                    List.of(
                        new DestinationSelector(
                            Map.of("environment", "dev"), DestinationSelector.PROMISE)),
                    List.of(
                        new DryRunCompleted.File(
                            "postgres-instance.yaml",
                            MANIFEST.formatted(name),
                            DryRunCompleted.File.UTF_8)))),
            List.of(new DryRunCompleted.Container("configure", 0, "rendered\n", "", false)));
    if (name.startsWith("fail-")) {
      return new DryRunCompleted(
          r.correlationId(),
          r.key(),
          r.generation(),
          DryRunCompleted.FAILED,
          "container scan exited with code 2",
          1L,
          List.of(
              rendered,
              new DryRunCompleted.Pipeline(
                  "security-scan", DryRunCompleted.FAILED, null, List.of(), List.of(scan))),
          JsonNodeFactory.instance.objectNode(),
          new DryRunCompleted.Failure(
              "security-scan",
              "scan",
              2,
              "container scan exited with code 2",
              "image unknown: foo"),
          40);
    }
    return new DryRunCompleted(
        r.correlationId(),
        r.key(),
        r.generation(),
        DryRunCompleted.SUCCEEDED,
        null,
        1L,
        List.of(rendered),
        rendered.status(),
        null,
        25);
  }

  private static ValidatableResponse dryRun(String accept, String body) {
    return given()
        .contentType(YAML)
        .accept(accept)
        .body(body.getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/apply?dryRun=true")
        .then();
  }

  private Optional<DryRunRequested> seen(String name) {
    return runner.requests().stream().filter(r -> r.key().name().equals(name)).findFirst();
  }

  @Test
  void answersWithTheRenderedFilesAndAppliesNothing() {
    String name = unique("ok");

    dryRun("application/json", request(name, "requester: ana\nsize: medium"))
        .statusCode(200)
        .contentType(containsString("application/json"))
        .body("dryRun", equalTo(true))
        .body("kind", equalTo("postgresql"))
        .body("name", equalTo(name))
        .body("namespace", equalTo("default"))
        .body("promise", equalTo("postgresql"))
        .body("generation", equalTo(1))
        .body("outcome", equalTo("succeeded"))
        .body("status.size", equalTo("medium"))
        .body("pipelines[0].name", equalTo("instance-configure"))
        .body(
            "pipelines[0].workloadGroups[0].destinationSelectors[0].matchLabels.environment",
            equalTo("dev"))
        .body("pipelines[0].workloadGroups[0].files[0].path", equalTo("postgres-instance.yaml"))
        .body("pipelines[0].workloadGroups[0].files[0].content", equalTo(MANIFEST.formatted(name)))
        .body("pipelines[0].containers[0].stdout", equalTo("rendered\n"))
        .body("runnerMillis", equalTo(25));

    DryRunRequested asked = seen(name).orElseThrow();
    assertThat(asked.key().toString()).isEqualTo("default/postgresql/" + name);
    assertThat(asked.generation()).isEqualTo(1);
    // Validated as an apply would: defaults applied, the Promise label, the generation.
    assertThat(asked.resource().at("/spec/dbName").asText()).isEqualTo("postgres");
    assertThat(asked.resource().at("/metadata/generation").asLong()).isEqualTo(1);
    assertThat(asked.resource().at("/metadata/labels/kratix.io~1promise-name").asText())
        .isEqualTo("postgresql");
    assertThat(asked.deadline()).isAfter(Instant.now().minusSeconds(5));
    assertNothingPublishedAbout("default/postgresql/" + name);
    given().get("/api/v1/resources/default/postgresql/" + name).then().statusCode(404);
  }

  @Test
  void answersInYamlWhenAsked() {
    String name = unique("ok");

    String yaml =
        dryRun(YAML, request(name, "requester: ana"))
            .statusCode(200)
            .contentType(containsString("yaml"))
            .extract()
            .asString();

    assertThat(yaml).startsWith("dryRun: true").contains("path: postgres-instance.yaml");
  }

  @Test
  void aDryRunOfAnAppliedRequestGetsTheGenerationItsChangeWouldGet() {
    String name = unique("ok");
    IntakeTestSupport.post(YAML, request(name, "requester: ana")).then().statusCode(200);

    dryRun("application/json", request(name, "requester: ana\nsize: large"))
        .statusCode(200)
        .body("generation", equalTo(2));
    dryRun("application/json", request(name, "requester: ana"))
        .statusCode(200)
        .body("generation", equalTo(1));

    given()
        .get("/api/v1/resources/default/postgresql/" + name)
        .then()
        .statusCode(200)
        .body("metadata.generation", equalTo(1));
  }

  @Test
  void aFailedWorkflowIsA422NamingPipelineContainerExitCodeAndStderr() {
    String name = unique("fail");

    dryRun("application/json", request(name, "requester: ana"))
        .statusCode(422)
        .contentType(containsString("application/problem+json"))
        .body("type", equalTo("https://pledge.io/problems/dry-run-failed"))
        .body("status", equalTo(422))
        .body("pipeline", equalTo("security-scan"))
        .body("container", equalTo("scan"))
        .body("exitCode", equalTo(2))
        .body("stderrTail", equalTo("image unknown: foo"))
        .body("detail", containsString("pipeline security-scan, container scan, exit code 2"))
        .body("detail", containsString("image unknown: foo"))
        .body("dryRun.pipelines[1].containers[0].stderr", equalTo("image unknown: foo\n"));
  }

  @Test
  void aPromiseThatIsNotAvailableIsA409() {
    dryRun("application/json", request(unique("unavailable"), "requester: ana"))
        .statusCode(409)
        .body("type", equalTo("https://pledge.io/problems/promise-unavailable"))
        .body("detail", containsString("configure workflow failed"));
  }

  @Test
  void noAnswerInTimeIsA504() {
    String name = unique("silent");

    dryRun("application/json", request(name, "requester: ana"))
        .statusCode(504)
        .body("type", equalTo("https://pledge.io/problems/dry-run-timeout"))
        .body("detail", containsString("default/postgresql/" + name));

    assertThat(seen(name)).isPresent();
  }

  @Test
  void anInvalidRequestIsA422AndNothingIsAskedOrPublished() {
    String name = unique("ok");

    dryRun("application/json", request(name, "size: huge"))
        .statusCode(422)
        .body("type", containsString("invalid-document"))
        .body("errors.path", hasItem("/spec/size"))
        .body("errors.path", hasItem("/spec/requester"));

    // A request sent after it overtakes nothing: once it is seen, the invalid one would have been.
    String marker = unique("ok");
    dryRun("application/json", request(marker, "requester: ana")).statusCode(200);
    await().atMost(WAIT).until(() -> seen(marker).isPresent());
    assertThat(seen(name)).isEmpty();
    assertNothingPublishedAbout("default/postgresql/" + name);
  }

  @Test
  void anUnknownKindIsA404() {
    dryRun(
            "application/json",
            """
            apiVersion: example.com/v1
            kind: Nothing
            metadata: {name: x}
            spec: {}
            """)
        .statusCode(404)
        .body("type", containsString("unknown-kind"));
  }

  @Test
  void aPromiseOrSeveralDocumentsAreA400() {
    dryRun("application/json", IntakeTestSupport.resource("/postgres/promise.yaml"))
        .statusCode(400)
        .body("type", equalTo("https://pledge.io/problems/dry-run-one-request"));
    dryRun(
            "application/json",
            request(unique("ok"), "requester: a") + "---\n" + request(unique("ok"), "requester: b"))
        .statusCode(400)
        .body("detail", startsWith("A dry run takes exactly one resource request"));
  }
}
