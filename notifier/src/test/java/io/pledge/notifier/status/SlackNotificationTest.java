package io.pledge.notifier.status;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.pledge.notifier.status.StatusProbe.DEAD_LETTERS;
import static io.pledge.notifier.status.StatusProbe.header;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.pledge.contract.Topics;
import io.pledge.contract.notification.NotificationDelivered;
import io.pledge.notifier.StatusEvents;
import io.pledge.notifier.slack.SlackStub;
import io.pledge.notifier.slack.SlackStubResource;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(SlackStubResource.class)
class SlackNotificationTest {

  @SlackStub WireMockServer slack;

  @Inject StatusConsumer consumer;

  private StatusProbe probe;

  @BeforeAll
  static void createDeadLetterTopic() {
    EmbeddedKafka.shared().createTopics(List.of(DEAD_LETTERS), Set.of());
  }

  @BeforeEach
  void openProbe() {
    probe = new StatusProbe(slack);
  }

  @AfterEach
  void closeProbe() {
    probe.close();
  }

  /**
   * Publishes a failing generation 2 and waits for its notification: the events before it, on the
   * same partition, have been processed by then.
   */
  private void awaitProcessed(StatusEvents resource) {
    probe.publish(resource.failing(2));
    probe.awaitOutcome(resource.key(), "failed", NotificationDelivered.SENT);
  }

  @Test
  void postsOnceWhenTheResourceIsReconciledEvenWhenEventsAreRedelivered() {
    StatusEvents example = new StatusEvents("default/postgresql/example");

    probe.publish(example.reconciled(1));

    LoggedRequest post = probe.awaitPosts("default/example is Reconciled", 1).get(0);
    assertThat(post.getBodyAsString())
        .contains(
            "postgresql default/example is Reconciled (generation 1) — committed "
                + StatusEvents.sha(1).substring(0, 7)
                + " to worker-1")
        .contains("\"blocks\"")
        .contains(StatusEvents.sha(1));
    NotificationDelivered sent =
        probe.awaitOutcome(example.key(), "reconciled", NotificationDelivered.SENT);
    assertThat(sent)
        .isEqualTo(
            new NotificationDelivered(
                example.key(), 1, "reconciled", "slack", "sent", 1, "HTTP 200: ok"));
    ConsumerRecord<String, String> record =
        probe.awaitRecord(Topics.NOTIFICATIONS_DELIVERED, example.key() + "#1#reconciled#slack");
    assertThat(record.value()).contains("pledge.notification.delivered");

    probe.publish(example.reconciled(1)); // redelivered, as after a producer retry
    awaitProcessed(example);

    assertThat(probe.posts("default/example is Reconciled")).hasSize(1);
    assertThat(probe.outcomes(example.key(), "reconciled")).containsExactly(sent);
    assertThat(probe.posts("default/example was requested")).isEmpty();
  }

  @Test
  void aRestartedSessionSendsNothingAgain() {
    StatusEvents restarted = new StatusEvents("default/postgresql/restarted");
    probe.publish(restarted.reconciled(1));
    probe.awaitOutcome(restarted.key(), "reconciled", NotificationDelivered.SENT);

    consumer.restart();
    Awaitility.await().atMost(StatusProbe.TIMEOUT).until(consumer::ready);
    probe.publish(restarted.reconciled(1));
    awaitProcessed(restarted);

    assertThat(probe.posts("default/restarted is Reconciled")).hasSize(1);
  }

  @Test
  void retriesAServerErrorAndSendsOnce() {
    StatusEvents flaky = new StatusEvents("default/postgresql/flaky");
    slack.stubFor(
        post(urlEqualTo(SlackStubResource.PATH))
            .atPriority(1)
            .withRequestBody(containing("default/flaky"))
            .inScenario("flaky")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(500).withBody("internal_error"))
            .willSetStateTo("recovered"));

    probe.publish(flaky.reconciled(1));

    NotificationDelivered sent =
        probe.awaitOutcome(flaky.key(), "reconciled", NotificationDelivered.SENT);
    assertThat(sent.attempt()).isEqualTo(2);
    assertThat(probe.outcomes(flaky.key(), "reconciled"))
        .extracting(NotificationDelivered::outcome, NotificationDelivered::attempt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("retrying", 1),
            org.assertj.core.groups.Tuple.tuple("sent", 2));
    assertThat(probe.outcomes(flaky.key(), "reconciled").get(0).detail())
        .startsWith("HTTP 500: internal_error; next attempt in ");
    awaitProcessed(flaky);
    assertThat(probe.posts("default/flaky is Reconciled")).hasSize(2);
  }

  @Test
  void retriesAWebhookThatTimesOutAndSendsOnce() {
    StatusEvents slow = new StatusEvents("default/postgresql/slow");
    // Longer than the test profile's 2 s delivery timeout: the first attempt times out.
    slack.stubFor(
        post(urlEqualTo(SlackStubResource.PATH))
            .atPriority(1)
            .withRequestBody(containing("default/slow"))
            .inScenario("slow")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(200).withBody("ok").withFixedDelay(4000))
            .willSetStateTo("fast"));

    probe.publish(slow.reconciled(1));

    NotificationDelivered sent =
        probe.awaitOutcome(slow.key(), "reconciled", NotificationDelivered.SENT);
    assertThat(sent.attempt()).isEqualTo(2);
    assertThat(probe.outcomes(slow.key(), "reconciled").get(0).outcome())
        .isEqualTo(NotificationDelivered.RETRYING);
    awaitProcessed(slow);
  }

  @Test
  void honoursRetryAfterOnTooManyRequests() {
    StatusEvents throttled = new StatusEvents("default/postgresql/throttled");
    slack.stubFor(
        post(urlEqualTo(SlackStubResource.PATH))
            .atPriority(1)
            .withRequestBody(containing("default/throttled"))
            .inScenario("throttled")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1"))
            .willSetStateTo("allowed"));

    probe.publish(throttled.reconciled(1));

    probe.awaitOutcome(throttled.key(), "reconciled", NotificationDelivered.SENT);
    List<LoggedRequest> posts = probe.posts("default/throttled is Reconciled");
    assertThat(posts).hasSize(2);
    long gap = posts.get(1).getLoggedDate().getTime() - posts.get(0).getLoggedDate().getTime();
    long waited = Math.abs(gap);
    assertThat(Duration.ofMillis(waited)).isGreaterThanOrEqualTo(Duration.ofMillis(990));
  }

  @Test
  void givesUpOnAPermanentClientErrorAndDeadLettersIt() {
    StatusEvents rejected = new StatusEvents("default/postgresql/rejected");
    slack.stubFor(
        post(urlEqualTo(SlackStubResource.PATH))
            .atPriority(1)
            .withRequestBody(containing("default/rejected"))
            .willReturn(aResponse().withStatus(400).withBody("invalid_payload")));

    probe.publish(rejected.reconciled(1));

    NotificationDelivered failed =
        probe.awaitOutcome(rejected.key(), "reconciled", NotificationDelivered.FAILED);
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(failed.detail()).isEqualTo("HTTP 400: invalid_payload");
    ConsumerRecord<String, String> dead = probe.awaitRecord(DEAD_LETTERS, rejected.key());
    assertThat(header(dead, "dead-letter-reason")).isEqualTo("HTTP 400: invalid_payload");
    assertThat(header(dead, "pledge-notification"))
        .isEqualTo(rejected.key() + "#1#reconciled#slack");
    assertThat(dead.value()).contains("pledge.work.committed");

    probe.publish(rejected.failing(2));
    probe.awaitOutcome(rejected.key(), "failed", NotificationDelivered.FAILED);
    assertThat(probe.posts("default/rejected is Reconciled")).hasSize(1);
    assertThat(probe.outcomes(rejected.key(), "reconciled")).containsExactly(failed);
    assertThat(
            probe.records(Topics.NOTIFICATIONS_DELIVERED, rejected.key() + "#1#reconciled#slack"))
        .isEmpty();
  }

  @Test
  void deadLettersAnUnreadableStatusRecord() {
    String key = "default/postgresql/garbled";

    probe.publishRaw(key, "{not a cloud event");

    ConsumerRecord<String, String> dead = probe.awaitRecord(DEAD_LETTERS, key);
    assertThat(dead.value()).isEqualTo("{not a cloud event");
    assertThat(header(dead, "dead-letter-reason")).startsWith("not a CloudEvent");
    assertThat(header(dead, "dead-letter-topic")).isEqualTo(Topics.STATUS);
  }

  @Test
  void isReadyOnceCaughtUp() {
    Awaitility.await()
        .atMost(StatusProbe.TIMEOUT)
        .untilAsserted(
            () -> given().get("/q/health/ready").then().statusCode(200).body("status", is("UP")));
  }

  @Test
  void itsStatusThreadIsWatchedByLiveness() {
    Awaitility.await()
        .atMost(StatusProbe.TIMEOUT)
        .untilAsserted(
            () ->
                given()
                    .get("/q/health/live")
                    .then()
                    .statusCode(200)
                    .body("checks.find { it.name == 'vital-threads' }.status", is("UP"))
                    .body(
                        "checks.find { it.name == 'vital-threads' }.data.'notifier-status'",
                        is("alive")));
  }
}
