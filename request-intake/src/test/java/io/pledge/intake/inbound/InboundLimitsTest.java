package io.pledge.intake.inbound;

import static io.pledge.intake.IntakeTestSupport.probe;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.request.RequestRejected;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An inbound event gets the limits of a REST body ({@code max-documents}, {@code max-body-size}):
 * one over them is refused as a whole, before anything is applied, and the channel moves on.
 * Default limits (200 documents, 1M); the byte limit is in {@link InboundByteLimitTest}.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class InboundLimitsTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @BeforeEach
  void seed() {
    IntakeTestSupport.seedPromise();
  }

  static CloudEvent inbound(JsonNode data) {
    return new CloudEvent(
        "1.0",
        UUID.randomUUID().toString(),
        "/backstage",
        "io.backstage.request",
        null,
        Instant.now(),
        "application/json",
        null,
        null,
        data);
  }

  static JsonNode request(String name) {
    return KratixDocuments.readAll(IntakeTestSupport.request(name, "requester: backstage")).get(0);
  }

  static ArrayNode requests(String prefix, int count) {
    ArrayNode documents = KratixDocuments.JSON.createArrayNode();
    for (int i = 0; i < count; i++) {
      documents.add(request(prefix + "-" + i));
    }
    return documents;
  }

  @Test
  void refusesAnEventOfFiveThousandDocumentsAsAWholeAndAppliesTheNextOne() {
    String prefix = IntakeTestSupport.unique("flood");
    CloudEvent flood = inbound(requests(prefix, 5_000));
    String value = EventCodec.write(flood);
    // The incident's event: about 670 KB, under the byte limit, so the count is what refuses it.
    assertThat(value.getBytes(StandardCharsets.UTF_8).length).isBetween(500_000, 1_000_000);

    probe().publish(Topics.REQUESTS_INBOUND, prefix, value);

    CloudEvent answer = probe().await(e -> flood.id().equals(e.correlationid()), WAIT);
    assertThat(answer.type()).isEqualTo("pledge.request.rejected");
    RequestRejected rejected = EventCodec.data(answer, RequestRejected.class);
    assertThat(rejected.problem().status()).isEqualTo(413);
    assertThat(rejected.problem().detail()).contains("5000").contains("200");
    // The rejection is about the first document; nothing was applied, to it or any other.
    assertThat(IntakeTestSupport.publishedAfterMarker("default/postgresql/" + prefix + "-0"))
        .extracting(CloudEvent::type)
        .containsOnly("pledge.request.rejected");
    IntakeTestSupport.assertNothingPublishedAbout("default/postgresql/" + prefix + "-1");
    IntakeTestSupport.assertNothingPublishedAbout("default/postgresql/" + prefix + "-4999");

    String next = IntakeTestSupport.unique("after-flood");
    CloudEvent following = inbound(request(next));
    probe().publish(Topics.REQUESTS_INBOUND, next, EventCodec.write(following));
    CloudEvent applied =
        probe().await("pledge.request.applied", "default/postgresql/" + next, WAIT);
    assertThat(applied.correlationid()).isEqualTo(following.id());

    given().get("/q/health/live").then().statusCode(200);
    given().get("/q/health/ready").then().statusCode(200);
  }

  @Test
  void appliesAnEventOfTheMostDocumentsAnApplyTakes() {
    String prefix = IntakeTestSupport.unique("full");
    CloudEvent full = inbound(requests(prefix, 200));
    long start = System.nanoTime();

    probe().publish(Topics.REQUESTS_INBOUND, prefix, EventCodec.write(full));

    probe().await("pledge.request.applied", "default/postgresql/" + prefix + "-199", WAIT);
    // A measurement for the README (the channel's deadline is 60 s), not an assertion on time.
    System.out.printf(
        "200-document inbound event applied in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    assertThat(
            IntakeTestSupport.count(
                "pledge.request.applied", "default/postgresql/" + prefix + "-0"))
        .isEqualTo(1);
    given().get("/q/health/live").then().statusCode(200);
  }
}
