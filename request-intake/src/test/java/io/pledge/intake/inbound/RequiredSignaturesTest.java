package io.pledge.intake.inbound;

import static io.pledge.intake.IntakeTestSupport.WAIT;
import static io.pledge.intake.IntakeTestSupport.probe;
import static io.pledge.intake.IntakeTestSupport.request;
import static io.pledge.intake.IntakeTestSupport.resource;
import static io.pledge.intake.IntakeTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.request.RequestRejected;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** With {@code inbound-signatures=required}, a bound system without a key can send nothing. */
@QuarkusTest
@TestProfile(RequiredSignaturesTest.Required.class)
@QuarkusTestResource(KafkaBrokerResource.class)
class RequiredSignaturesTest {

  private static final String ADMIN = "required-admin-token";

  public static class Required implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        Path file = Files.createTempFile("tokens", ".yaml");
        Files.writeString(
            file,
            """
            tokens:
              - {name: platform-team, token: %s, roles: [platform-admin]}
            systems:
              - {source: /legacy, roles: [requester], namespaces: [team-a]}
            """
                .formatted(ADMIN),
            StandardCharsets.UTF_8);
        return Map.of(
            "pledge.intake.auth.enabled", "true",
            "pledge.intake.auth.inbound-signatures", "required",
            "pledge.intake.auth.tokens-file", file.toString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void refusesAnUnsignedEventFromASystemWithoutAKey() {
    Awaitility.await().atMost(WAIT).until(() -> given().get("/q/health/ready").statusCode() == 200);
    given()
        .header("Authorization", "Bearer " + ADMIN)
        .contentType("application/yaml")
        .body(resource("/postgres/promise.yaml").getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    String name = unique("unsigned");
    CloudEvent in =
        new CloudEvent(
            "1.0",
            UUID.randomUUID().toString(),
            "/legacy",
            "io.example.request",
            null,
            Instant.now(),
            "application/json",
            null,
            null,
            KratixDocuments.readAll(
                    request(name, "requester: legacy")
                        .replace("namespace: default", "namespace: team-a"))
                .get(0));

    probe().publish(Topics.REQUESTS_INBOUND, "team-a/postgresql/" + name, EventCodec.write(in));

    CloudEvent answer = probe().await(e -> in.id().equals(e.correlationid()), WAIT);
    assertThat(answer.type()).isEqualTo("pledge.request.rejected");
    RequestRejected rejected = EventCodec.data(answer, RequestRejected.class);
    assertThat(rejected.problem().status()).isEqualTo(401);
    assertThat(rejected.problem().detail()).contains("must be signed", "/legacy");
  }
}
