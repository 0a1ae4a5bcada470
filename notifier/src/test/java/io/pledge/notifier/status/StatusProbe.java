package io.pledge.notifier.status;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.notification.NotificationDelivered;
import io.pledge.notifier.slack.SlackStubResource;
import io.pledge.testkit.kafka.EventProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

/** What the notifier tests look at: Slack posts, outcome events, ledger records, dead letters. */
final class StatusProbe implements AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final String DEAD_LETTERS = "pledge.notifications.dlq";

  private final EventProbe probe;
  private final WireMockServer slack;

  StatusProbe(WireMockServer slack) {
    this.slack = slack;
    this.probe =
        new EventProbe(
            ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
            Topics.STATUS,
            Topics.NOTIFICATIONS_DELIVERED,
            DEAD_LETTERS);
  }

  void publish(List<CloudEvent> events) {
    events.forEach(e -> probe.publish(Topics.STATUS, e));
  }

  void publishRaw(String key, String value) {
    probe.publish(Topics.STATUS, key, value);
  }

  /** Slack posts whose text contains {@code text}, e.g. "default/example is Reconciled". */
  List<LoggedRequest> posts(String text) {
    return slack.findAll(
        postRequestedFor(urlEqualTo(SlackStubResource.PATH)).withRequestBody(containing(text)));
  }

  List<LoggedRequest> awaitPosts(String text, int count) {
    return Awaitility.await().atMost(TIMEOUT).until(() -> posts(text), p -> p.size() >= count);
  }

  /** Slack outcomes on the status topic about {@code key} and {@code lifecycle}. */
  List<NotificationDelivered> outcomes(String key, String lifecycle) {
    return outcomes(key, lifecycle, "slack");
  }

  /** NOTIFICATION_DELIVERED outcomes on the status topic about a lifecycle event on a channel. */
  List<NotificationDelivered> outcomes(String key, String lifecycle, String channel) {
    return records(Topics.STATUS, key).stream()
        .map(r -> EventCodec.read(r.value()))
        .filter(e -> EventType.NOTIFICATION_DELIVERED.type().equals(e.type()))
        .filter(e -> key.equals(e.subject()))
        .map(e -> EventCodec.data(e, NotificationDelivered.class))
        .filter(n -> lifecycle.equals(n.event()) && channel.equals(n.channel()))
        .toList();
  }

  /** Waits for the outcome ({@code sent}, {@code failed}) of a lifecycle event on Slack. */
  NotificationDelivered awaitOutcome(String key, String lifecycle, String outcome) {
    return awaitOutcome(key, lifecycle, "slack", outcome);
  }

  NotificationDelivered awaitOutcome(String key, String lifecycle, String channel, String outcome) {
    return Awaitility.await()
        .atMost(TIMEOUT)
        .until(
            () ->
                outcomes(key, lifecycle, channel).stream()
                    .filter(n -> outcome.equals(n.outcome()))
                    .findFirst()
                    .orElse(null),
            n -> n != null);
  }

  List<ConsumerRecord<String, String>> records(String topic, String key) {
    return probe.records().stream()
        .filter(r -> topic.equals(r.topic()) && key.equals(r.key()))
        .toList();
  }

  ConsumerRecord<String, String> awaitRecord(String topic, String key) {
    return Awaitility.await()
        .atMost(TIMEOUT)
        .until(() -> records(topic, key), r -> !r.isEmpty())
        .get(0);
  }

  static String header(ConsumerRecord<String, String> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    probe.close();
  }
}
