package io.pledge.intake.telemetry;

import static io.pledge.intake.IntakeTestSupport.probe;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.pledge.testkit.metrics.PrometheusScrape;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /q/metrics} and {@code /q/health/ready} as operators see them. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class IntakeMetricsTest {

  static final String REQUESTS = "pledge_intake_requests_total";

  @BeforeEach
  void seed() {
    IntakeTestSupport.seedPromise();
  }

  @Test
  void countsRestRequestsByOutcomeAndStatus() {
    Map<String, String> accepted = Map.of("source", "rest", "outcome", "accepted", "status", "200");
    Map<String, String> rejected = Map.of("source", "rest", "outcome", "rejected", "status", "422");
    double acceptedBefore = scrape().value(REQUESTS, accepted);
    double rejectedBefore = scrape().value(REQUESTS, rejected);

    IntakeTestSupport.post(
            "application/yaml",
            IntakeTestSupport.request(IntakeTestSupport.unique("metered"), "requester: ana"))
        .then()
        .statusCode(200);
    IntakeTestSupport.post(
            "application/yaml",
            IntakeTestSupport.request(
                IntakeTestSupport.unique("huge"), "requester: ana\nsize: huge"))
        .then()
        .statusCode(422);

    PrometheusScrape scrape = scrape();
    assertThat(scrape.value(REQUESTS, accepted)).isEqualTo(acceptedBefore + 1);
    assertThat(scrape.value(REQUESTS, rejected)).isEqualTo(rejectedBefore + 1);
  }

  @Test
  void countsInboundRequestsByOutcome() {
    Map<String, String> accepted = Map.of("source", "inbound", "outcome", "accepted");
    Map<String, String> rejected =
        Map.of("source", "inbound", "outcome", "rejected", "status", "422");
    double acceptedBefore = scrape().value(REQUESTS, accepted);
    double rejectedBefore = scrape().value(REQUESTS, rejected);
    String good = IntakeTestSupport.unique("inbound-metered");
    String bad = IntakeTestSupport.unique("inbound-huge");

    probe()
        .publish(
            Topics.REQUESTS_INBOUND,
            "default/postgresql/" + good,
            EventCodec.write(inbound(IntakeTestSupport.request(good, "requester: backstage"))));
    probe()
        .publish(
            Topics.REQUESTS_INBOUND,
            "default/postgresql/" + bad,
            EventCodec.write(inbound(IntakeTestSupport.request(bad, "size: huge"))));

    Awaitility.await()
        .atMost(IntakeTestSupport.WAIT)
        .until(
            () -> {
              PrometheusScrape scrape = scrape();
              return scrape.value(REQUESTS, accepted) >= acceptedBefore + 1
                  && scrape.value(REQUESTS, rejected) >= rejectedBefore + 1;
            });
  }

  @Test
  void publishesTheKafkaClientsMetricsAndReadinessLooksAtTheBroker() {
    assertThat(scrape().has("kafka_producer_record_send_total")).isTrue();
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.name", hasItem("SmallRye Reactive Messaging - readiness check"));
  }

  private static CloudEvent inbound(String yaml) {
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
        KratixDocuments.readAll(yaml).get(0));
  }

  private static PrometheusScrape scrape() {
    return PrometheusScrape.parse(given().accept("text/plain").get("/q/metrics").asString());
  }
}
