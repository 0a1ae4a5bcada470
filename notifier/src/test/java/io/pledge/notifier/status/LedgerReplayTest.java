package io.pledge.notifier.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.pledge.contract.Topics;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.notification.NotificationDelivered;
import io.pledge.notifier.StatusEvents;
import io.pledge.notifier.slack.SlackStub;
import io.pledge.notifier.slack.SlackStubResource;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A previous notifier posted to Slack and recorded it, then died before committing its offset: the
 * new one reads the ledger before sending anything and does not post again.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(SlackStubResource.class)
@QuarkusTestResource(value = LedgerReplayTest.SentBefore.class, restrictToAnnotatedClass = true)
class LedgerReplayTest {

  static final StatusEvents ALREADY_SENT = new StatusEvents("default/postgresql/already-sent");

  /** Writes the ledger record of the earlier delivery before the notifier starts. */
  public static class SentBefore implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
      EmbeddedKafka kafka = EmbeddedKafka.shared();
      kafka.createTopics(KafkaBrokerResource.PLEDGE_TOPICS, KafkaBrokerResource.COMPACTED);
      NotificationDelivered sent =
          new NotificationDelivered(
              ALREADY_SENT.key(), 1, "reconciled", "slack", "sent", 1, "HTTP 200: ok");
      String value =
          EventCodec.write(
              new EventCodec("/pledge/notifier")
                  .event(EventType.NOTIFICATION_DELIVERED, ALREADY_SENT.key(), sent));
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                  ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                  ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
        producer
            .send(
                new ProducerRecord<>(
                    Topics.NOTIFICATIONS_DELIVERED,
                    ALREADY_SENT.key() + "#1#reconciled#slack",
                    value))
            .get();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return Map.of();
    }

    @Override
    public void stop() {}
  }

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
  void whatAPreviousInstanceSentIsNotSentAgain() {
    probe.publish(ALREADY_SENT.reconciled(1));
    probe.publish(ALREADY_SENT.failing(2));

    probe.awaitOutcome(ALREADY_SENT.key(), "failed", NotificationDelivered.SENT);
    assertThat(probe.posts("default/already-sent is Failing (generation 2)")).hasSize(1);
    assertThat(probe.posts("default/already-sent is Reconciled")).isEmpty();
    assertThat(probe.outcomes(ALREADY_SENT.key(), "reconciled")).isEmpty();
  }
}
