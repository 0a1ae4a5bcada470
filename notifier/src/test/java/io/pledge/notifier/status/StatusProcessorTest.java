package io.pledge.notifier.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.notifier.StatusEvents;
import io.pledge.notifier.delivery.Attempt;
import io.pledge.notifier.delivery.Delivery;
import io.pledge.notifier.delivery.Notification;
import io.pledge.notifier.delivery.NotificationDispatcher;
import io.pledge.notifier.delivery.Notifier;
import io.pledge.notifier.delivery.Outcome;
import io.pledge.notifier.delivery.RetryPolicy;
import io.pledge.notifier.ledger.DeliveryLedger;
import io.pledge.notifier.lifecycle.Lifecycle;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import io.pledge.notifier.policy.NotificationPlanner;
import io.pledge.notifier.policy.PolicyBook;
import io.pledge.notifier.policy.Rule;
import io.pledge.notifier.policy.TemplateRenderer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class StatusProcessorTest {

  private static final String KEY = "default/postgresql/example";

  private final StatusEvents events = new StatusEvents(KEY);
  private final List<LifecycleEvent> posted = new ArrayList<>();
  private final List<Outcome> finished = new ArrayList<>();
  private final List<String> deadLetters = new ArrayList<>();
  private final DeliveryLedger ledger = new DeliveryLedger();
  private long offset;

  private final Notifier slack =
      new Notifier() {
        @Override
        public String channel() {
          return "slack";
        }

        @Override
        public Attempt attempt(Notification notification) {
          posted.add(notification.about());
          return Attempt.sent("HTTP 200");
        }
      };

  private final StatusProcessor processor =
      new StatusProcessor(
          List.of(slack),
          new NotificationPlanner(
              new PolicyBook(
                  List.of(
                      Rule.configured("slack", Set.of(Lifecycle.RECONCILED, Lifecycle.FAILED)))),
              new TemplateRenderer(),
              ref -> Optional.empty()),
          new StatusProcessor.Tables() {
            @Override
            public void catchUpPolicies() {}

            @Override
            public com.fasterxml.jackson.databind.JsonNode resource(
                String key, long generation, boolean await) {
              return null;
            }
          },
          new NotificationDispatcher(
              new RetryPolicy(3, Duration.ZERO, Duration.ZERO, Duration.ZERO), d -> {}),
          ledger,
          new StatusProcessor.Sink() {
            @Override
            public void retrying(Outcome outcome) {}

            @Override
            public void finished(Outcome outcome, ConsumerRecord<String, String> cause) {
              finished.add(outcome);
            }

            @Override
            public void deadLetter(ConsumerRecord<String, String> poison, String reason) {
              deadLetters.add(reason);
            }
          });

  private ConsumerRecord<String, String> record(String key, String value) {
    return new ConsumerRecord<>("pledge.status", 0, offset++, key, value);
  }

  private void process(List<CloudEvent> sequence) throws InterruptedException {
    for (CloudEvent e : sequence) {
      processor.process(record(e.subject(), EventCodec.write(e)));
    }
  }

  @Test
  void notifiesTheWantedLifecycleEventsOnce() throws InterruptedException {
    process(events.reconciled(1));

    assertThat(posted).extracting(LifecycleEvent::lifecycle).containsExactly(Lifecycle.RECONCILED);
    assertThat(finished).singleElement().satisfies(o -> assertThat(o.sent()).isTrue());
    assertThat(ledger.wasSent(new Delivery(KEY, 1, Lifecycle.RECONCILED, "slack"))).isTrue();
  }

  @Test
  void redeliveredEventsSendNothingMore() throws InterruptedException {
    process(events.reconciled(1));
    process(events.reconciled(1));

    assertThat(posted).hasSize(1);
    assertThat(finished).hasSize(1);
  }

  @Test
  void whatTheLedgerSaysWasSentIsNotSentAfterARestart() throws InterruptedException {
    // A previous instance posted and recorded it, then died before committing its offset.
    ledger.apply(new Delivery(KEY, 1, Lifecycle.RECONCILED, "slack").ledgerKey(), "{}");

    process(events.reconciled(1));

    assertThat(posted).isEmpty();
    assertThat(finished).isEmpty();
  }

  @Test
  void replayedRecordsRebuildTheStatusWithoutSending() throws InterruptedException {
    for (CloudEvent e : events.reconciled(1)) {
      processor.replay(record(e.subject(), EventCodec.write(e)));
    }
    assertThat(posted).isEmpty();

    process(events.failing(2));

    assertThat(posted)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.lifecycle()).isEqualTo(Lifecycle.FAILED);
              assertThat(e.generation()).isEqualTo(2);
              // the replayed fold is there: the failure follows a reconciled generation
              assertThat(e.status().observedGeneration()).isEqualTo(1);
            });
  }

  @Test
  void unreadableRecordsAreDeadLettered() throws InterruptedException {
    processor.process(record(KEY, "not json"));
    CloudEvent unknown =
        EventCodec.read(
            EventCodec.write(events.accepted(1))
                .replace("pledge.request.accepted", "pledge.request.teleported"));
    processor.process(record(KEY, EventCodec.write(unknown)));
    processor.process(
        record(
            KEY,
            EventCodec.write(events.accepted(1))
                .replace("\"action\":\"apply\"", "\"action\":7,\"generation\":\"x\"")));

    assertThat(deadLetters).hasSize(3);
    assertThat(deadLetters.get(0)).startsWith("not a CloudEvent");
    assertThat(deadLetters.get(1)).isEqualTo("unknown event type: pledge.request.teleported");
  }

  @Test
  void promiseEventsAreIgnored() throws InterruptedException {
    processor.process(record("postgresql", "not even an event"));

    assertThat(deadLetters).isEmpty();
    assertThat(processor.resources()).isZero();
  }

  @Test
  void aRevokedPartitionIsForgotten() throws InterruptedException {
    process(events.reconciled(1));
    assertThat(processor.resources()).isEqualTo(1);

    processor.forget(0);

    assertThat(processor.resources()).isZero();
  }
}
