package io.pledge.intake.inbound;

import static io.pledge.intake.IntakeTestSupport.probe;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An inbound event over {@code pledge.intake.max-body-size} (here 64K, so that the record stays
 * under the broker's own 1 MB limit) is refused as a whole with a 413, whatever it holds.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@TestProfile(InboundByteLimitTest.SmallBodies.class)
class InboundByteLimitTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  public static class SmallBodies implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("pledge.intake.max-body-size", "64K");
    }
  }

  @BeforeEach
  void seed() {
    IntakeTestSupport.seedPromise();
  }

  @Test
  void refusesAnEventOverTheByteLimitAsAWholeAndAppliesTheNextOne() {
    String name = IntakeTestSupport.unique("heavy");
    ObjectNode document = (ObjectNode) InboundLimitsTest.request(name);
    ((ObjectNode) document.get("metadata"))
        .putObject("annotations")
        .put("example.com/notes", "x".repeat(100_000));
    CloudEvent heavy = InboundLimitsTest.inbound(document);

    probe().publish(Topics.REQUESTS_INBOUND, name, EventCodec.write(heavy));

    CloudEvent answer = probe().await(e -> heavy.id().equals(e.correlationid()), WAIT);
    assertThat(answer.type()).isEqualTo("pledge.request.rejected");
    RequestRejected rejected = EventCodec.data(answer, RequestRejected.class);
    assertThat(rejected.problem().status()).isEqualTo(413);
    assertThat(rejected.problem().detail()).contains("max-body-size");
    IntakeTestSupport.assertNothingPublishedAbout("default/postgresql/" + name);

    String next = IntakeTestSupport.unique("light");
    CloudEvent following = InboundLimitsTest.inbound(InboundLimitsTest.request(next));
    probe().publish(Topics.REQUESTS_INBOUND, next, EventCodec.write(following));
    CloudEvent applied =
        probe().await("pledge.request.applied", "default/postgresql/" + next, WAIT);
    assertThat(applied.correlationid()).isEqualTo(following.id());
    given().get("/q/health/live").then().statusCode(200);
  }
}
