package io.pledge.intake.inbound;

import static io.pledge.intake.IntakeTestSupport.WAIT;
import static io.pledge.intake.IntakeTestSupport.authWithTokensFile;
import static io.pledge.intake.IntakeTestSupport.inboundEvent;
import static io.pledge.intake.IntakeTestSupport.probe;
import static io.pledge.intake.IntakeTestSupport.publishedAfterMarker;
import static io.pledge.intake.IntakeTestSupport.request;
import static io.pledge.intake.IntakeTestSupport.resource;
import static io.pledge.intake.IntakeTestSupport.seedPromiseAs;
import static io.pledge.intake.IntakeTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.request.RequestRejected;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
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
      return authWithTokensFile(
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
          Map.of());
    }
  }

  @BeforeEach
  void seed() {
    seedPromiseAs(ADMIN);
  }

  private static CloudEvent inbound(String source, String yaml) {
    return inboundEvent(source, yaml);
  }

  private static String inNamespace(String name, String namespace) {
    return request(name, "requester: billing")
        .replace("namespace: default", "namespace: " + namespace);
  }

  /** Publishes the event and returns the status event that answers it. */
  private static CloudEvent answerTo(CloudEvent in, String key) {
    probe().publish(Topics.REQUESTS_INBOUND, key, EventCodec.write(in));
    return IntakeTestSupport.awaitAnswer(in.id());
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
