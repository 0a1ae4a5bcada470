package io.pledge.notifier.status;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.pledge.contract.notification.NotificationDelivered;
import io.pledge.notifier.StatusEvents;
import io.pledge.notifier.slack.SlackStub;
import io.pledge.notifier.slack.SlackStubResource;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.pledge.testkit.metrics.PrometheusScrape;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /q/metrics} and {@code /q/health/ready} as operators see them. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(SlackStubResource.class)
class NotifierMetricsTest {

  static final String NOTIFICATIONS = "pledge_notifier_notifications_total";
  static final Map<String, String> SLACK_SENT = Map.of("channel", "slack", "outcome", "sent");

  @SlackStub WireMockServer slack;

  private StatusProbe probe;

  @BeforeEach
  void openProbe() {
    probe = new StatusProbe(slack);
  }

  @AfterEach
  void closeProbe() {
    probe.close();
  }

  @Test
  void countsNotificationsByChannelAndOutcome() {
    double before = scrape().value(NOTIFICATIONS, SLACK_SENT);
    StatusEvents metered = new StatusEvents("default/postgresql/metered");

    probe.publish(metered.reconciled(1));
    probe.awaitOutcome(metered.key(), "reconciled", NotificationDelivered.SENT);

    Awaitility.await()
        .atMost(StatusProbe.TIMEOUT)
        .until(() -> scrape().value(NOTIFICATIONS, SLACK_SENT) >= before + 1);
  }

  @Test
  void publishesTheStatusConsumersLag() {
    StatusEvents lagging = new StatusEvents("default/postgresql/lagging");
    probe.publish(lagging.reconciled(1));
    probe.awaitOutcome(lagging.key(), "reconciled", NotificationDelivered.SENT);

    PrometheusScrape scrape = scrape();

    assertThat(
            scrape.samples().stream()
                .filter(s -> s.name().equals("kafka_consumer_fetch_manager_records_lag_max"))
                .map(s -> s.labels().get("client_id")))
        .anyMatch(id -> id != null && id.startsWith("notifier-status-"));
  }

  @Test
  void readinessLooksAtTheBroker() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.name", hasItem("kafka-broker"))
        .body("checks.name", hasItem("notifier-status-replay"));
  }

  private static PrometheusScrape scrape() {
    return PrometheusScrape.parse(given().accept("text/plain").get("/q/metrics").asString());
  }
}
