package io.pledge.intake.inbound;

import static io.pledge.intake.IntakeTestSupport.WAIT;
import static io.pledge.intake.IntakeTestSupport.authWithTokensFile;
import static io.pledge.intake.IntakeTestSupport.inboundEvent;
import static io.pledge.intake.IntakeTestSupport.probe;
import static io.pledge.intake.IntakeTestSupport.request;
import static io.pledge.intake.IntakeTestSupport.seedPromiseAs;
import static io.pledge.intake.IntakeTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.request.RequestRejected;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
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
      return authWithTokensFile(
          """
          tokens:
            - {name: platform-team, token: %s, roles: [platform-admin]}
          systems:
            - {source: /legacy, roles: [requester], namespaces: [team-a]}
          """
              .formatted(ADMIN),
          Map.of("pledge.intake.auth.inbound-signatures", "required"));
    }
  }

  @Test
  void refusesAnUnsignedEventFromASystemWithoutAKey() {
    seedPromiseAs(ADMIN);
    String name = unique("unsigned");
    CloudEvent in =
        inboundEvent(
            "/legacy",
            request(name, "requester: legacy").replace("namespace: default", "namespace: team-a"));

    probe().publish(Topics.REQUESTS_INBOUND, "team-a/postgresql/" + name, EventCodec.write(in));

    CloudEvent answer = probe().await(e -> in.id().equals(e.correlationid()), WAIT);
    assertThat(answer.type()).isEqualTo("pledge.request.rejected");
    RequestRejected rejected = EventCodec.data(answer, RequestRejected.class);
    assertThat(rejected.problem().status()).isEqualTo(401);
    assertThat(rejected.problem().detail()).contains("must be signed", "/legacy");
  }
}
