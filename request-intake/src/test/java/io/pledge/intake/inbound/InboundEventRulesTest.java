package io.pledge.intake.inbound;

import static io.pledge.intake.IntakeTestSupport.probe;
import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.Topics;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Inbound records that are not CloudEvents 1.0 as Pledge reads them go to the dead-letter topic
 * with the reason, and nothing is applied.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class InboundEventRulesTest {

  @BeforeEach
  void seed() {
    IntakeTestSupport.seedPromise();
  }

  private static String event(String specversion, String name, String spec) {
    return """
        {"specversion": "%s", "id": "%s", "source": "/backstage", "type": "io.backstage.request",
         "datacontenttype": "application/json",
         "data": {"apiVersion": "workshop.kratix.io/v1", "kind": "postgresql",
                  "metadata": {"name": "%s", "namespace": "default"}, "spec": %s}}
        """
        .formatted(specversion, UUID.randomUUID(), name, spec);
  }

  private static String deadLetterReason(String key, String value) {
    String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    try (EventProbe dlq = new EventProbe(bootstrap, Topics.deadLetter(Topics.REQUESTS_INBOUND))) {
      probe().publish(Topics.REQUESTS_INBOUND, key, value);
      ConsumerRecord<String, String> dead =
          Awaitility.await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      dlq.records().stream()
                          .filter(r -> key.equals(r.key()))
                          .findFirst()
                          .orElse(null),
                  r -> r != null);
      Header reason = dead.headers().lastHeader("dead-letter-reason");
      assertThat(reason).isNotNull();
      return new String(reason.value(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void deadLettersAnEventOfAnotherSpecversion() {
    String name = IntakeTestSupport.unique("specv");
    String key = "default/postgresql/" + name;

    String reason = deadLetterReason(key, event("0.3", name, "{\"requester\": \"ana\"}"));

    assertThat(reason).contains("specversion '0.3'");
    IntakeTestSupport.assertNothingPublishedAbout(key);
  }

  @Test
  void deadLettersAnEventThatSetsAKeyTwice() {
    String name = IntakeTestSupport.unique("dupkey");
    String key = "default/postgresql/" + name;

    String reason =
        deadLetterReason(
            key, event("1.0", name, "{\"requester\": \"ana\", \"requester\": \"bob\"}"));

    assertThat(reason).contains("Duplicate field 'requester'");
    IntakeTestSupport.assertNothingPublishedAbout(key);
  }
}
