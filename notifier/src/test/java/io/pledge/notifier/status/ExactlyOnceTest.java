package io.pledge.notifier.status;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.util.GreenMail;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.notification.NotificationDelivered;
import io.pledge.notifier.StatusEvents;
import io.pledge.notifier.billing.BillingEvent;
import io.pledge.notifier.billing.BillingStub;
import io.pledge.notifier.billing.BillingStubResource;
import io.pledge.notifier.email.SmtpStub;
import io.pledge.notifier.email.SmtpStubResource;
import io.pledge.notifier.slack.SlackStub;
import io.pledge.notifier.slack.SlackStubResource;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proof: the same status events redelivered many times, interleaved across resources,
 * while the notifier's Kafka session is restarted mid-stream (each new session replays the ledger
 * and the partitions and reprocesses what was not committed) — and still one Slack message, one
 * e-mail and one billing call per (resource, generation, event).
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(SlackStubResource.class)
@QuarkusTestResource(value = SmtpStubResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = BillingStubResource.class, restrictToAnnotatedClass = true)
class ExactlyOnceTest {

  private static final int COPIES = 20;

  @SlackStub WireMockServer slack;
  @SmtpStub GreenMail smtp;
  @BillingStub WireMockServer billing;
  @Inject StatusConsumer consumer;

  private StatusProbe probe;

  @BeforeEach
  void openProbe() {
    probe = new StatusProbe(slack);
  }

  @AfterEach
  void closeProbe() {
    probe.close();
  }

  /** Created and reconciled at generation 1, resized to generation 2, deleted. */
  private static List<CloudEvent> lifeOf(StatusEvents r) {
    List<CloudEvent> life = new ArrayList<>(r.reconciled(1));
    life.addAll(r.reconciled(2));
    life.addAll(List.of(r.accepted(2, "delete"), r.deleteCompleted(2), r.removed(2)));
    return life;
  }

  private long mails(String subject) {
    return Arrays.stream(smtp.getReceivedMessages())
        .filter(
            m -> {
              try {
                return m.getSubject().contains(subject);
              } catch (MessagingException e) {
                throw new IllegalStateException(e);
              }
            })
        .count();
  }

  private List<LoggedRequest> billed(String key, String action) {
    return billing.findAll(
        postRequestedFor(urlEqualTo(BillingStubResource.PATH))
            .withRequestBody(containing("\"key\":\"" + key + "\""))
            .withRequestBody(containing("\"action\":\"" + action + "\"")));
  }

  @Test
  void redeliveriesAndRestartsStillSendEachNotificationOnce() {
    List<StatusEvents> resources =
        Stream.of("once-a", "once-b", "once-c")
            .map(n -> new StatusEvents("default/postgresql/" + n))
            .toList();
    List<List<CloudEvent>> lives = resources.stream().map(ExactlyOnceTest::lifeOf).toList();
    int length = lives.get(0).size();

    // Round k re-sends each resource's history up to its k-th event, the resources interleaved
    // event by event: every event arrives at least COPIES times, old generations after new ones.
    int rounds = COPIES + length;
    for (int round = 1; round <= rounds; round++) {
      int upTo = Math.min(length, round);
      List<CloudEvent> batch = new ArrayList<>();
      for (int i = 0; i < upTo; i++) {
        for (List<CloudEvent> life : lives) {
          batch.add(life.get(i));
        }
      }
      probe.publish(batch);
      if (round % 8 == 0) {
        consumer.restart(); // the session dies mid-stream; a new one replays and continues
      }
    }

    // A last, new event per resource: when its notification is out, every earlier record of the
    // same key (same partition) has been processed.
    for (StatusEvents r : resources) {
      probe.publish(r.failing(3));
    }
    for (StatusEvents r : resources) {
      probe.awaitOutcome(r.key(), "failed", "slack", NotificationDelivered.SENT);
      probe.awaitOutcome(r.key(), "failed", "email", NotificationDelivered.SENT);
      // Billing has its own queue and rate limit: its calls may still be on the way.
      for (String action : List.of("created", "updated", "deleted")) {
        probe.awaitOutcome(r.key(), action, "billing", NotificationDelivered.SENT);
      }
    }

    for (StatusEvents r : resources) {
      String name = r.key().substring("default/postgresql/".length());
      ResourceKey key = ResourceKey.parse(r.key());
      assertThat(probe.posts("default/" + name + " is Reconciled (generation 1)")).hasSize(1);
      assertThat(probe.posts("default/" + name + " is Reconciled (generation 2)")).hasSize(1);
      assertThat(probe.posts("default/" + name + " is Failing (generation 3)")).hasSize(1);
      assertThat(mails("default/" + name + " is Reconciled (generation 1)")).isEqualTo(1);
      assertThat(mails("default/" + name + " is Reconciled (generation 2)")).isEqualTo(1);
      assertThat(billed(r.key(), "created"))
          .singleElement()
          .satisfies(
              b ->
                  assertThat(b.getHeader("Idempotency-Key"))
                      .isEqualTo(BillingEvent.idempotencyKey(key, 1, "created")));
      assertThat(billed(r.key(), "updated"))
          .singleElement()
          .satisfies(
              b ->
                  assertThat(b.getHeader("Idempotency-Key"))
                      .isEqualTo(BillingEvent.idempotencyKey(key, 2, "updated")));
      assertThat(billed(r.key(), "deleted"))
          .singleElement()
          .satisfies(
              b ->
                  assertThat(b.getHeader("Idempotency-Key"))
                      .isEqualTo(BillingEvent.idempotencyKey(key, 2, "deleted")));
      // Every outcome on the status topic is a single "sent" per (generation, event, channel).
      assertThat(probe.outcomes(r.key(), "reconciled", "slack"))
          .extracting(NotificationDelivered::generation)
          .containsExactlyInAnyOrder(1L, 2L);
      assertThat(probe.outcomes(r.key(), "created", "billing")).hasSize(1);
    }
  }
}
