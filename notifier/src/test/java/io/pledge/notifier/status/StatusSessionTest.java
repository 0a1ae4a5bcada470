package io.pledge.notifier.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.notifier.StatusEvents;
import io.pledge.notifier.config.NotifierConfig;
import io.pledge.notifier.delivery.Attempt;
import io.pledge.notifier.delivery.Notification;
import io.pledge.notifier.delivery.NotificationDispatcher;
import io.pledge.notifier.delivery.Notifier;
import io.pledge.notifier.delivery.RetryPolicy;
import io.pledge.notifier.lifecycle.Lifecycle;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import io.pledge.notifier.policy.Rule;
import io.pledge.notifier.policy.TemplateRenderer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The session's Kafka bookkeeping, against Kafka's mock clients. */
class StatusSessionTest {

  private static final String KEY = "default/postgresql/example";
  private static final TopicPartition STATUS = new TopicPartition(Topics.STATUS, 0);
  private static final TopicPartition LEDGER =
      new TopicPartition(Topics.NOTIFICATIONS_DELIVERED, 0);

  private final StatusEvents events = new StatusEvents(KEY);

  /** The group's offsets as the last owner of the partition committed them. */
  private final Map<TopicPartition, OffsetAndMetadata> previousOwner = new HashMap<>();

  // The mock forgets commits on subscribe; the session's own commits go through the producer.
  private final MockConsumer<String, String> status =
      new MockConsumer<>("earliest") {
        @Override
        public synchronized Map<TopicPartition, OffsetAndMetadata> committed(
            Set<TopicPartition> partitions) {
          Map<TopicPartition, OffsetAndMetadata> found = new HashMap<>(previousOwner);
          found.keySet().retainAll(partitions);
          return found;
        }

        // As the real client does when it leaves the group: revoke the partitions first.
        @Override
        public void close() {
          if (!closed()) {
            rebalance(List.of());
          }
          super.close();
        }
      };

  /** After this many notifications posted, the next request lookup sees a restart's wakeup. */
  private int wakeupAfterPosts = Integer.MAX_VALUE;

  private final MockConsumer<String, String> requests =
      new MockConsumer<>("earliest") {
        @Override
        public synchronized List<PartitionInfo> partitionsFor(String topic) {
          if (posted.size() >= wakeupAfterPosts) {
            throw new WakeupException();
          }
          return super.partitionsFor(topic);
        }
      };
  private final MockConsumer<String, String> ledger = new MockConsumer<>("earliest");
  private final MockProducer<String, String> producer =
      new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
  private final List<LifecycleEvent> posted = new ArrayList<>();
  private final List<ConsumerRecord<String, String>> log = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);

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

  @BeforeEach
  void emptyTopics() {
    status.updateBeginningOffsets(Map.of(STATUS, 0L));
    ledger.updatePartitions(
        LEDGER.topic(), List.of(new PartitionInfo(LEDGER.topic(), 0, null, null, null)));
    ledger.updateBeginningOffsets(Map.of(LEDGER, 0L));
    ledger.updateEndOffsets(Map.of(LEDGER, 0L));
  }

  private void append(List<CloudEvent> sequence) {
    for (CloudEvent e : sequence) {
      log.add(
          new ConsumerRecord<>(STATUS.topic(), 0, log.size(), e.subject(), EventCodec.write(e)));
    }
  }

  /**
   * Runs a session that is assigned the partition at its first poll and is given the whole log at
   * every poll (the mock drops what one poll does not return), for {@code polls} polls.
   */
  private void runSession(int polls, Duration maxPollInterval) throws InterruptedException {
    status.schedulePollTask(
        () -> {
          status.rebalance(List.of(STATUS));
          log.forEach(status::addRecord);
        });
    for (int i = 1; i < polls; i++) {
      status.schedulePollTask(() -> log.forEach(status::addRecord));
    }
    status.schedulePollTask(() -> running.set(false));
    session(maxPollInterval).run();
  }

  private StatusSession session(Duration maxPollInterval) {
    return new StatusSession(
        topics(),
        status,
        ledger,
        new MockConsumer<>("earliest"),
        requests,
        producer,
        new Channels(
            List.of(slack),
            List.of(Rule.configured("slack", Set.of(Lifecycle.RECONCILED, Lifecycle.FAILED))),
            new TemplateRenderer(),
            ref -> Optional.empty(),
            Duration.ZERO),
        new NotificationDispatcher(
            new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO), d -> {}),
        maxPollInterval,
        running::get);
  }

  private List<Long> committedOffsets() {
    return producer.consumerGroupOffsetsHistory().stream()
        .flatMap(byGroup -> byGroup.values().stream())
        .map(offsets -> offsets.get(STATUS).offset())
        .toList();
  }

  private List<String> sentTo(String topic) {
    return producer.history().stream()
        .filter(r -> r.topic().equals(topic))
        .map(ProducerRecord::key)
        .toList();
  }

  @Test
  void commitsTheOutcomeTheLedgerRecordAndTheOffsetTogether() throws InterruptedException {
    append(events.reconciled(1));

    runSession(2, Duration.ofMinutes(5));

    assertThat(posted).extracting(LifecycleEvent::lifecycle).containsExactly(Lifecycle.RECONCILED);
    assertThat(sentTo(Topics.STATUS)).containsExactly(KEY);
    assertThat(sentTo(Topics.NOTIFICATIONS_DELIVERED)).containsExactly(KEY + "#1#reconciled#slack");
    // The delivery's transaction commits up to its cause (5); the batch end commits past it.
    assertThat(committedOffsets()).containsExactly(5L, 6L);
    assertThat(producer.transactionCommitted()).isTrue();
  }

  @Test
  void recordsBelowTheCommittedOffsetOnlyRebuildTheStatus() throws InterruptedException {
    append(events.reconciled(1));
    previousOwner.put(STATUS, new OffsetAndMetadata(log.size()));
    append(events.failing(2));

    runSession(2, Duration.ofMinutes(5));

    assertThat(posted)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.lifecycle()).isEqualTo(Lifecycle.FAILED);
              assertThat(e.status().observedGeneration()).isEqualTo(1);
            });
  }

  @Test
  void whatTheLedgerHoldsIsNotSentAgain() throws InterruptedException {
    ledger.updateEndOffsets(Map.of(LEDGER, 1L));
    ledger.schedulePollTask(
        () ->
            ledger.addRecord(
                new ConsumerRecord<>(LEDGER.topic(), 0, 0, KEY + "#1#reconciled#slack", "{}")));
    append(events.reconciled(1));

    runSession(2, Duration.ofMinutes(5));

    assertThat(posted).isEmpty();
    assertThat(committedOffsets()).containsExactly(6L);
  }

  @Test
  void handsTheRestOfALongBatchBackToTheNextPoll() throws InterruptedException {
    append(events.reconciled(1));
    append(events.failing(2));

    // No time budget: every poll processes one record and hands the others back.
    runSession(log.size() + 1, Duration.ZERO);

    assertThat(posted)
        .extracting(LifecycleEvent::lifecycle)
        .containsExactly(Lifecycle.RECONCILED, Lifecycle.FAILED);
    assertThat(committedOffsets()).last().isEqualTo((long) log.size());
    assertThat(committedOffsets()).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aSessionEndedMidBatchDoesNotCommitPastTheRecordsItDidNotProcess() {
    append(events.reconciled(1));
    append(events.failing(2));
    long failed = log.size() - 1;
    // restart() wakes the session while the batch is processed: the request lookup of the failed
    // event throws, after the reconciled one was sent; closing the consumer revokes the partition.
    wakeupAfterPosts = 1;

    StatusSession session = session(Duration.ofMinutes(5));
    status.schedulePollTask(
        () -> {
          status.rebalance(List.of(STATUS));
          log.forEach(status::addRecord);
        });
    assertThatThrownBy(session::run).isInstanceOf(WakeupException.class);
    session.close();

    assertThat(posted).extracting(LifecycleEvent::lifecycle).containsExactly(Lifecycle.RECONCILED);
    // The consumer's position is past the whole batch; the group's offset must stay at the failed
    // record, so that the next session processes it and sends its notification.
    assertThat(committedOffsets()).isNotEmpty().allMatch(offset -> offset <= failed);
    assertThat(committedOffsets()).last().isEqualTo(failed);
  }

  @Test
  void aFailedTransactionEndsTheSessionWithoutRecordingTheDelivery() {
    append(events.reconciled(1));
    producer.commitTransactionException = new KafkaException("broker gone");

    assertThatThrownBy(() -> runSession(2, Duration.ofMinutes(5)))
        .isInstanceOf(KafkaException.class);
    assertThat(producer.transactionAborted()).isTrue();
    assertThat(sentTo(Topics.NOTIFICATIONS_DELIVERED)).isEmpty();
  }

  @Test
  void offsetsRefusedByANewGroupGenerationStillRecordTheDeliveryAndTheSessionGoesOn()
      throws InterruptedException {
    append(events.reconciled(1));
    // What the coordinator answers a transaction whose group generation has moved on.
    producer.sendOffsetsToTransactionException =
        new CommitFailedException("Specified group generation id is not valid.");

    runSession(2, Duration.ofMinutes(5));

    assertThat(posted).extracting(LifecycleEvent::lifecycle).containsExactly(Lifecycle.RECONCILED);
    // The outcome and the ledger record are committed without the offsets: the next owner of the
    // partition replays the record and finds the notification in the ledger.
    assertThat(sentTo(Topics.NOTIFICATIONS_DELIVERED)).containsExactly(KEY + "#1#reconciled#slack");
    assertThat(sentTo(Topics.STATUS)).containsExactly(KEY); // the mock keeps committed sends only
    assertThat(committedOffsets()).isEmpty();
  }

  private static NotifierConfig.Kafka topics() {
    return new NotifierConfig.Kafka() {
      @Override
      public String statusTopic() {
        return Topics.STATUS;
      }

      @Override
      public String deliveredTopic() {
        return Topics.NOTIFICATIONS_DELIVERED;
      }

      @Override
      public String policiesTopic() {
        return Topics.POLICIES;
      }

      @Override
      public String requestsTopic() {
        return Topics.REQUESTS;
      }

      @Override
      public String deadLetterTopic() {
        return "pledge.notifications.dlq";
      }

      @Override
      public String groupId() {
        return "pledge-notifier";
      }

      @Override
      public Optional<String> instanceId() {
        return Optional.empty();
      }

      @Override
      public Duration transactionTimeout() {
        return Duration.ofSeconds(10);
      }

      @Override
      public int maxPollRecords() {
        return 20;
      }
    };
  }
}
