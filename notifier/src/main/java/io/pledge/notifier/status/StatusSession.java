package io.pledge.notifier.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.kafka.deadletter.DeadLetterHeaders;
import io.pledge.notifier.config.NotifierConfig;
import io.pledge.notifier.delivery.Delivery;
import io.pledge.notifier.delivery.NotificationDispatcher;
import io.pledge.notifier.delivery.Outcome;
import io.pledge.notifier.ledger.DeliveryLedger;
import io.pledge.notifier.ledger.LedgerReader;
import io.pledge.notifier.policy.NotificationPlanner;
import io.pledge.notifier.policy.PolicyBook;
import io.pledge.notifier.request.ResourceDocuments;
import io.pledge.notifier.table.TableReader;
import io.pledge.notifier.telemetry.NotifierTelemetry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

/**
 * One life of the notifier's Kafka side, from replaying the ledger to a stop or a Kafka failure;
 * {@link StatusConsumer} starts a new one after a failure, as a restarted process would.
 *
 * <p>The status partitions are shared by the notifier replicas through a consumer group. On
 * assignment a partition is read from its beginning: records below the group's committed offset
 * only rebuild the fold (their notifications were handled by whoever committed), later ones are
 * processed. Every Kafka write is a transaction that also commits the group offset, so an outcome
 * event, its ledger record and the offset are written together or not at all.
 */
final class StatusSession
    implements ConsumerRebalanceListener, StatusProcessor.Sink, StatusProcessor.Tables {

  private static final Logger LOG = Logger.getLogger(StatusSession.class);
  private static final EventCodec CODEC = new EventCodec("/pledge/notifier");
  private static final Duration RESOURCE_POLL = Duration.ofMillis(50);

  private final NotifierConfig.Kafka topics;
  private final Consumer<String, String> status;
  private final Consumer<String, String> ledgerConsumer;
  private final Consumer<String, String> policyConsumer;
  private final Consumer<String, String> requestConsumer;
  private final Producer<String, String> producer;
  private final BooleanSupplier running;
  private final DeliveryLedger ledger = new DeliveryLedger();
  private final LedgerReader ledgerReader;
  private final PolicyBook policies;
  private final TableReader policyReader;
  private final ResourceDocuments documents = new ResourceDocuments();
  private final TableReader requestReader;
  private final Duration resourceWait;
  private final StatusProcessor processor;
  private final Map<TopicPartition, Long> replayEnd = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  // Per partition, the offset after the last record handled to the end. The consumer's position
  // runs ahead of it while a batch is being processed: a batch cut short by a stop, a restart or a
  // Kafka failure leaves records behind the position that were never processed.
  private final Map<TopicPartition, Long> handled = new HashMap<>();
  private final Duration pollBudget;
  private final NotifierTelemetry telemetry;
  private volatile boolean assignedOnce;
  private volatile boolean ready;

  StatusSession(
      NotifierConfig.Kafka topics,
      Consumer<String, String> status,
      Consumer<String, String> ledgerConsumer,
      Consumer<String, String> policyConsumer,
      Consumer<String, String> requestConsumer,
      Producer<String, String> producer,
      Channels channels,
      NotificationDispatcher dispatcher,
      Duration maxPollInterval,
      BooleanSupplier running) {
    this(
        topics,
        status,
        ledgerConsumer,
        policyConsumer,
        requestConsumer,
        producer,
        channels,
        dispatcher,
        maxPollInterval,
        running,
        NotifierTelemetry.NONE);
  }

  StatusSession(
      NotifierConfig.Kafka topics,
      Consumer<String, String> status,
      Consumer<String, String> ledgerConsumer,
      Consumer<String, String> policyConsumer,
      Consumer<String, String> requestConsumer,
      Producer<String, String> producer,
      Channels channels,
      NotificationDispatcher dispatcher,
      Duration maxPollInterval,
      BooleanSupplier running,
      NotifierTelemetry telemetry) {
    this.telemetry = telemetry;
    this.topics = topics;
    this.pollBudget = maxPollInterval.dividedBy(2);
    this.status = status;
    this.ledgerConsumer = ledgerConsumer;
    this.policyConsumer = policyConsumer;
    this.requestConsumer = requestConsumer;
    this.producer = producer;
    this.running = running;
    this.ledgerReader = new LedgerReader(ledgerConsumer, topics.deliveredTopic());
    this.policies = new PolicyBook(channels.configured());
    this.policyReader = new TableReader(policyConsumer, topics.policiesTopic());
    this.requestReader = new TableReader(requestConsumer, topics.requestsTopic());
    this.resourceWait = channels.resourceWait();
    NotificationPlanner planner =
        new NotificationPlanner(policies, channels.renderer(), channels.secrets());
    this.processor =
        new StatusProcessor(
            channels.notifiers(), planner, this, dispatcher, ledger, this, telemetry);
  }

  /** Runs until {@code running} turns false or Kafka fails (then it throws). */
  void run() throws InterruptedException {
    producer.initTransactions();
    if (!ledgerReader.catchUp(ledger, running)) {
      return;
    }
    LOG.infof("delivery ledger replayed: %d notifications already sent", ledger.size());
    if (!catchUpTables()) {
      return;
    }
    LOG.infof(
        "%d notification policies and the requests of %d resources replayed",
        policies.size(), documents.size());
    status.subscribe(List.of(topics.statusTopic()), this);
    while (running.getAsBoolean()) {
      ConsumerRecords<String, String> records = status.poll(Duration.ofMillis(200));
      if (!processWithinBudget(records)) {
        return; // stopping: the position is past records not processed, commit nothing more
      }
      // The whole batch is handled (or handed back by a seek): the position is safe to commit.
      for (TopicPartition tp : status.assignment()) {
        handled.put(tp, status.position(tp));
      }
      commitProgress(status.assignment());
      ready = assignedOnce && replayed();
    }
  }

  /**
   * Processes a batch, but hands the rest back to the next poll (by seeking to it) once half the
   * poll interval is spent, as deliveries that wait for retries would otherwise get this member
   * thrown out of the group.
   *
   * @return false when the session is stopping
   */
  private boolean processWithinBudget(ConsumerRecords<String, String> records)
      throws InterruptedException {
    long deadline = System.nanoTime() + pollBudget.toNanos();
    boolean processedAny = false;
    for (TopicPartition tp : records.partitions()) {
      for (ConsumerRecord<String, String> record : records.records(tp)) {
        if (!running.getAsBoolean()) {
          return false;
        }
        if (processedAny && System.nanoTime() > deadline) {
          handBack(records, tp, record.offset());
          return true;
        }
        processedAny = true;
        if (record.offset() < replayEnd.getOrDefault(tp, 0L)) {
          processor.replay(record);
        } else {
          processor.process(record);
        }
        handled.put(tp, record.offset() + 1);
      }
    }
    return true;
  }

  /** Seeks {@code from} back to {@code offset} and every partition after it to its first record. */
  private void handBack(ConsumerRecords<String, String> records, TopicPartition from, long offset) {
    boolean after = false;
    for (TopicPartition tp : records.partitions()) {
      if (tp.equals(from)) {
        status.seek(tp, offset);
        after = true;
      } else if (after) {
        status.seek(tp, records.records(tp).get(0).offset());
      }
    }
    LOG.infof("poll budget spent, %s continues at offset %d after the next poll", from, offset);
  }

  /** Reads what was added to the policies and requests topics since the last call. */
  private boolean catchUpTables() {
    return policyReader.catchUp(r -> policies.applyRecord(r.key(), r.value()), running)
        && requestReader.catchUp(r -> documents.apply(r.key(), r.value()), running);
  }

  @Override
  public void catchUpPolicies() {
    policyReader.catchUp(r -> policies.applyRecord(r.key(), r.value()), running);
  }

  @Override
  public JsonNode resource(String key, long generation, boolean await) throws InterruptedException {
    requestReader.catchUp(r -> documents.apply(r.key(), r.value()), running);
    long deadline = System.nanoTime() + resourceWait.toNanos();
    while (await
        && !documents.has(key, generation)
        && System.nanoTime() < deadline
        && running.getAsBoolean()) {
      Thread.sleep(RESOURCE_POLL.toMillis());
      requestReader.catchUp(r -> documents.apply(r.key(), r.value()), running);
    }
    return documents.at(key, generation);
  }

  /** True once the ledger is read and every owned partition is replayed to its committed offset. */
  boolean ready() {
    return ready;
  }

  int ledgerSize() {
    return ledger.size();
  }

  int resources() {
    return processor.resources();
  }

  int policies() {
    return policies.size();
  }

  /** Ends the session at its next poll; thread-safe. */
  void wakeup() {
    ready = false;
    status.wakeup();
    ledgerConsumer.wakeup();
    policyConsumer.wakeup();
    requestConsumer.wakeup();
  }

  void close() {
    ready = false;
    closeQuietly(status);
    closeQuietly(ledgerConsumer);
    closeQuietly(policyConsumer);
    closeQuietly(requestConsumer);
    closeQuietly(producer);
  }

  // --- rebalance ---

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    assignedOnce = true;
    if (partitions.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = status.committed(new HashSet<>(partitions));
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata offset = offsets.get(tp);
      long end = offset == null ? 0L : offset.offset();
      replayEnd.put(tp, end);
      committed.put(tp, end);
      handled.put(tp, 0L);
      processor.forget(tp.partition());
    }
    status.seekToBeginning(partitions);
    // Another replica may have sent for these partitions until now: know what it sent first.
    ledgerReader.catchUp(ledger, running);
    LOG.infof("assigned %s, replaying up to %s", partitions, replayEnd);
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    try {
      commitProgress(partitions);
    } catch (KafkaException e) {
      LOG.warnf("could not commit progress of revoked partitions %s: %s", partitions, e);
    }
    forget(partitions);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    forget(partitions);
  }

  private void forget(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      processor.forget(tp.partition());
      replayEnd.remove(tp);
      committed.remove(tp);
      handled.remove(tp);
    }
  }

  private boolean replayed() {
    for (TopicPartition tp : status.assignment()) {
      if (status.position(tp) < replayEnd.getOrDefault(tp, 0L)) {
        return false;
      }
    }
    return true;
  }

  // --- sink: every write a transaction, with the group offset where one is due ---

  @Override
  public void retrying(Outcome outcome) {
    transact(List.of(statusRecord(outcome)), Map.of());
  }

  @Override
  public void finished(Outcome outcome, ConsumerRecord<String, String> cause) {
    List<ProducerRecord<String, String>> records = new ArrayList<>();
    ProducerRecord<String, String> event = statusRecord(outcome);
    records.add(event);
    if (outcome.sent()) {
      records.add(
          new ProducerRecord<>(
              topics.deliveredTopic(), outcome.delivery().ledgerKey(), event.value()));
    }
    if (outcome.failed()) {
      records.add(deadLetter(cause, outcome.detail(), outcome));
    }
    // Up to, not past, the cause: it may bring further deliveries still to do.
    transact(records, offsetUpTo(cause, cause.offset()));
  }

  @Override
  public void deadLetter(ConsumerRecord<String, String> poison, String reason) {
    transact(List.of(deadLetter(poison, reason, null)), offsetUpTo(poison, poison.offset() + 1));
  }

  private Map<TopicPartition, OffsetAndMetadata> offsetUpTo(
      ConsumerRecord<String, String> record, long offset) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    return offset > committed.getOrDefault(tp, 0L)
        ? Map.of(tp, new OffsetAndMetadata(offset))
        : Map.of();
  }

  /**
   * Commits, for each replayed partition, the offset after the last record handled to the end — not
   * the consumer's position: when the session ends in the middle of a batch (a restart's wakeup, a
   * stop), closing the consumer revokes the partitions and lands here with the position past
   * records that were polled but never processed; committing it would lose their notifications.
   */
  private void commitProgress(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      if (!replayEnd.containsKey(tp)) {
        continue;
      }
      long done = handled.getOrDefault(tp, 0L);
      if (done >= replayEnd.get(tp) && done > committed.getOrDefault(tp, 0L)) {
        offsets.put(tp, new OffsetAndMetadata(done));
      }
    }
    if (!offsets.isEmpty()) {
      transact(List.of(), offsets);
    }
  }

  private void transact(
      List<ProducerRecord<String, String>> records,
      Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      commit(records, offsets);
    } catch (CommitFailedException e) {
      // The group moved to a new generation while this transaction was open (a rebalance that
      // completed without this member, e.g. after a kill elsewhere): the offsets are refused, and
      // with them the outcome and the ledger record. The notification is already out, so the
      // records are committed on their own; the offsets follow with the next progress commit, or
      // the partition's next owner replays the record and finds it in the ledger. Ending the
      // session here, as before, posted the message a second time.
      LOG.infof("offsets refused by a new group generation (%s); committing the records alone", e);
      if (!records.isEmpty()) {
        commit(records, Map.of());
      }
      return;
    }
    offsets.forEach((tp, offset) -> committed.put(tp, offset.offset()));
  }

  private void commit(
      List<ProducerRecord<String, String>> records,
      Map<TopicPartition, OffsetAndMetadata> offsets) {
    producer.beginTransaction();
    try {
      records.forEach(producer::send);
      if (!offsets.isEmpty()) {
        producer.sendOffsetsToTransaction(offsets, status.groupMetadata());
      }
      producer.commitTransaction();
    } catch (KafkaException e) {
      try {
        producer.abortTransaction();
      } catch (KafkaException fatal) {
        // Fenced or broken producer: the session ends and a new one starts.
      }
      throw e;
    }
  }

  private ProducerRecord<String, String> statusRecord(Outcome outcome) {
    String key = outcome.delivery().key();
    ProducerRecord<String, String> record =
        new ProducerRecord<>(
            topics.statusTopic(),
            key,
            EventCodec.write(
                CODEC.event(EventType.NOTIFICATION_DELIVERED, key, outcome.toEvent())));
    telemetry.inject(record.headers());
    return record;
  }

  private ProducerRecord<String, String> deadLetter(
      ConsumerRecord<String, String> record, String reason, Outcome givenUp) {
    RecordHeaders headers = new RecordHeaders();
    DeadLetterHeaders.add(headers, record, reason);
    if (givenUp != null) {
      Delivery d = givenUp.delivery();
      header(headers, "pledge-notification", d.ledgerKey());
      header(headers, "pledge-notification-channel", d.channel());
      header(headers, "pledge-notification-attempts", Integer.toString(givenUp.attempt()));
    }
    return new ProducerRecord<>(
        topics.deadLetterTopic(), null, record.key(), record.value(), headers);
  }

  private static void header(RecordHeaders headers, String name, String value) {
    headers.add(name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.debugf("closing %s: %s", closeable.getClass().getSimpleName(), e);
    }
  }
}
