package io.pledge.intake.inbound;

import static io.pledge.intake.IntakeTestSupport.probe;
import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.request.RequestRejected;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Authentication off (the default profile): every source may apply, as every REST caller may, and
 * is recorded as the requester. With it on, see {@link InboundAuthorisationTest}.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class InboundRequestConsumerTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @BeforeEach
  void seed() {
    IntakeTestSupport.seedPromise();
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

  private static String request(String name, String spec) {
    return IntakeTestSupport.request(name, spec);
  }

  @Test
  void appliesAnInboundRequestFromAnySourceWhenAuthIsOffAndAnswersWithItsCorrelationId() {
    String name = IntakeTestSupport.unique("inbound");
    String key = "default/postgresql/" + name;
    CloudEvent in = inbound(request(name, "requester: backstage"));

    probe().publish(Topics.REQUESTS_INBOUND, key, EventCodec.write(in));

    CloudEvent accepted = probe().await("pledge.request.accepted", key, WAIT);
    CloudEvent applied = probe().await("pledge.request.applied", key, WAIT);
    assertThat(accepted.correlationid()).isEqualTo(in.id());
    assertThat(accepted.data().path("requester").asText()).isEqualTo("/backstage");
    assertThat(applied.correlationid()).isEqualTo(in.id());
    assertThat(EventCodec.data(applied, RequestApplied.class).resource().at("/spec/size").asText())
        .isEqualTo("small");

    // The same document again: nothing to run, but the sender still gets its answer.
    CloudEvent again = inbound(request(name, "requester: backstage"));
    probe().publish(Topics.REQUESTS_INBOUND, key, EventCodec.write(again));
    CloudEvent answer = probe().await(e -> again.id().equals(e.correlationid()), WAIT);
    assertThat(answer.type()).isEqualTo("pledge.request.accepted");
    assertThat(IntakeTestSupport.count("pledge.request.applied", key)).isEqualTo(1);
  }

  @Test
  void rejectsAnInvalidInboundRequestOnTheStatusTopic() {
    String name = IntakeTestSupport.unique("inbad");
    String key = "default/postgresql/" + name;
    CloudEvent in = inbound(request(name, "size: huge"));

    probe().publish(Topics.REQUESTS_INBOUND, key, EventCodec.write(in));

    CloudEvent rejected = probe().await(e -> in.id().equals(e.correlationid()), WAIT);
    assertThat(rejected.type()).isEqualTo("pledge.request.rejected");
    assertThat(rejected.subject()).isEqualTo(key);
    RequestRejected data = EventCodec.data(rejected, RequestRejected.class);
    assertThat(data.problem().status()).isEqualTo(422);
    assertThat(data.problem().errors())
        .extracting(e -> e.path())
        .contains("/spec/size", "/spec/requester");
    assertThat(IntakeTestSupport.count("pledge.request.applied", key)).isZero();
  }

  @Test
  void sendsUnreadableRecordsToTheDeadLetterTopic() {
    String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    String marker = "garbage-" + UUID.randomUUID();
    try (EventProbe dlq = new EventProbe(bootstrap, Topics.deadLetter(Topics.REQUESTS_INBOUND))) {
      probe().publish(Topics.REQUESTS_INBOUND, marker, "this is not a cloud event");

      ConsumerRecord<String, String> dead =
          Awaitility.await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      dlq.records().stream()
                          .filter(r -> marker.equals(r.key()))
                          .findFirst()
                          .orElse(null),
                  r -> r != null);
      Header reason = dead.headers().lastHeader("dead-letter-reason");
      assertThat(reason).isNotNull();
      assertThat(new String(reason.value(), StandardCharsets.UTF_8)).contains("CloudEvent");
    }
  }
}
