package io.pledge.intake.inbound;

import static io.pledge.intake.IntakeTestSupport.WAIT;
import static io.pledge.intake.IntakeTestSupport.probe;
import static io.pledge.intake.IntakeTestSupport.publishedAfterMarker;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** With authentication on, inbound events are authorised by their source (systems:). */
@QuarkusTest
@TestProfile(InboundAuthorisationTest.WithSystems.class)
@QuarkusTestResource(KafkaBrokerResource.class)
class InboundAuthorisationTest {

  private static final String ADMIN = "inbound-admin-token";
  private static final String BILLING = "/billing-system";
  private static final String AUTOMATION = "/platform-automation";

  /** An admin token for seeding; a requester system bound to team-a; an admin system. */
  public static class WithSystems implements QuarkusTestProfile {
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
              - source: %s
                roles: [requester]
                namespaces: [team-a]
              - {source: %s, roles: [platform-admin]}
            """
                .formatted(ADMIN, BILLING, AUTOMATION),
            StandardCharsets.UTF_8);
        return Map.of(
            "pledge.intake.auth.enabled",
            "true",
            "pledge.intake.auth.tokens-file",
            file.toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @BeforeEach
  void seed() {
    Awaitility.await().atMost(WAIT).until(() -> given().get("/q/health/ready").statusCode() == 200);
    given()
        .header("Authorization", "Bearer " + ADMIN)
        .contentType("application/yaml")
        .body(resource("/postgres/promise.yaml").getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
  }

  private static CloudEvent inbound(String source, String yaml) {
    return new CloudEvent(
        "1.0",
        UUID.randomUUID().toString(),
        source,
        "io.example.request",
        null,
        Instant.now(),
        "application/json",
        null,
        null,
        KratixDocuments.readAll(yaml).get(0));
  }

  private static String inNamespace(String name, String namespace) {
    return request(name, "requester: billing")
        .replace("namespace: default", "namespace: " + namespace);
  }

  /** Publishes the event and returns the status event that answers it. */
  private static CloudEvent answerTo(CloudEvent in, String key) {
    probe().publish(Topics.REQUESTS_INBOUND, key, EventCodec.write(in));
    return probe().await(e -> in.id().equals(e.correlationid()), WAIT);
  }

  private static void assertForbidden(CloudEvent answer, String key, String detail) {
    assertThat(answer.type()).isEqualTo("pledge.request.rejected");
    assertThat(answer.subject()).isEqualTo(key);
    RequestRejected rejected = EventCodec.data(answer, RequestRejected.class);
    assertThat(rejected.problem().status()).isEqualTo(403);
    assertThat(rejected.problem().detail()).contains(detail);
    // The rejection is the only thing published about it.
    assertThat(publishedAfterMarker(key))
        .extracting(CloudEvent::type)
        .containsExactly("pledge.request.rejected");
  }

  @Test
  void acceptsARequestFromABoundSourceInItsNamespaceWithCorrelation() {
    String name = unique("billed");
    String key = "team-a/postgresql/" + name;
    CloudEvent in = inbound(BILLING, inNamespace(name, "team-a"));

    CloudEvent accepted = answerTo(in, key);

    assertThat(accepted.type()).isEqualTo("pledge.request.accepted");
    assertThat(accepted.subject()).isEqualTo(key);
    assertThat(accepted.data().path("requester").asText()).isEqualTo(BILLING);
    CloudEvent applied = probe().await("pledge.request.applied", key, WAIT);
    assertThat(applied.correlationid()).isEqualTo(in.id());
  }

  @Test
  void rejectsAnUnknownSourceWith403() {
    String name = unique("stranger");
    String key = "team-a/postgresql/" + name;

    CloudEvent answer = answerTo(inbound("/someone-else", inNamespace(name, "team-a")), key);

    assertForbidden(answer, key, "/someone-else is not bound");
  }

  @Test
  void rejectsARequestOutsideTheSourcesNamespaces() {
    String name = unique("elsewhere");
    String key = "team-b/postgresql/" + name;

    CloudEvent answer = answerTo(inbound(BILLING, inNamespace(name, "team-b")), key);

    assertForbidden(answer, key, "namespace team-b");
  }

  @Test
  void rejectsAPromiseFromARequesterSystem() {
    String promise = unique("promise");
    CloudEvent in =
        inbound(
            BILLING,
            resource("/postgres/promise.yaml")
                .replaceFirst("name: postgresql", "name: " + promise));

    CloudEvent answer = answerTo(in, promise);

    assertThat(EventCodec.data(answer, RequestRejected.class).problem().detail())
        .contains("needs role platform-admin");
    assertThat(publishedAfterMarker(promise, List.of(Topics.PROMISES, Topics.STATUS)))
        .extracting(CloudEvent::type)
        .containsExactly("pledge.request.rejected");
  }

  @Test
  void anAdminSystemAppliesPlatformDocuments() {
    String store = unique("store");
    CloudEvent in =
        inbound(
            AUTOMATION,
            """
            apiVersion: platform.kratix.io/v1alpha1
            kind: GitStateStore
            metadata: {name: %s}
            spec: {url: file:///tmp/state.git}
            """
                .formatted(store));

    probe().publish(Topics.REQUESTS_INBOUND, store, EventCodec.write(in));

    CloudEvent applied = probe().await(e -> in.id().equals(e.correlationid()), WAIT);
    assertThat(applied.type()).isEqualTo("pledge.destination.applied");
  }
}
