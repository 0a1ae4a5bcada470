package io.pledge.notifier.status;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.MalformedEventException;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.contract.status.StatusFold;
import io.pledge.notifier.delivery.Delivery;
import io.pledge.notifier.delivery.NotificationDispatcher;
import io.pledge.notifier.delivery.Notifier;
import io.pledge.notifier.delivery.Outcome;
import io.pledge.notifier.ledger.DeliveryLedger;
import io.pledge.notifier.lifecycle.LifecycleDetector;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * What the notifier does with one status record: fold it into its resource's status, find the
 * lifecycle events in that step, and deliver each one not yet sent to every channel that wants it.
 * Kafka writes go through a {@link Sink}, so this class runs without a broker in tests.
 */
public final class StatusProcessor {

  /** Where outcomes and dead letters go; each call is durable when it returns. */
  public interface Sink {
    /** An attempt failed and another will follow. */
    void retrying(Outcome outcome);

    /**
     * A delivery ended (sent or failed) while processing {@code cause}: publish the outcome, and
     * record a sent one in the ledger, atomically.
     */
    void finished(Outcome outcome, ConsumerRecord<String, String> cause);

    /** {@code poison} cannot be folded. */
    void deadLetter(ConsumerRecord<String, String> poison, String reason);
  }

  private static final Logger LOG = Logger.getLogger(StatusProcessor.class);

  private final LifecycleDetector detector = new LifecycleDetector();
  private final List<Notifier> notifiers;
  private final NotificationDispatcher dispatcher;
  private final DeliveryLedger ledger;
  private final Sink sink;
  // Concurrent only so the health check may count while the consumer thread folds.
  private final Map<Integer, Map<String, ResourceStatus>> statuses = new ConcurrentHashMap<>();

  public StatusProcessor(
      List<Notifier> notifiers,
      NotificationDispatcher dispatcher,
      DeliveryLedger ledger,
      Sink sink) {
    this.notifiers = List.copyOf(notifiers);
    this.dispatcher = dispatcher;
    this.ledger = ledger;
    this.sink = sink;
  }

  /**
   * Folds a record a previous owner of the partition already handled: it rebuilds the status and
   * sends nothing. An unreadable one was dead-lettered then and is skipped now.
   */
  public void replay(ConsumerRecord<String, String> record) {
    try {
      if (relevant(record)) {
        fold(record, EventCodec.read(record.value()));
      }
    } catch (RuntimeException alreadyDeadLettered) {
      LOG.debugf("skipping unreadable status record at offset %d", record.offset());
    }
  }

  /**
   * Folds a new record and delivers the lifecycle events it brings.
   *
   * @throws InterruptedException when the service stops during a delivery; the record is then
   *     processed again by whoever owns the partition next
   */
  public void process(ConsumerRecord<String, String> record) throws InterruptedException {
    if (!relevant(record)) {
      return;
    }
    MDC.put("key", record.key());
    try {
      List<LifecycleEvent> found;
      try {
        CloudEvent event = EventCodec.read(record.value());
        if (event.eventType().isEmpty()) {
          throw new MalformedEventException("unknown event type: " + event.type());
        }
        found = fold(record, event);
      } catch (RuntimeException e) {
        LOG.warnf("dead-lettering status record at offset %d: %s", record.offset(), e.getMessage());
        sink.deadLetter(record, reason(e));
        return;
      }
      for (LifecycleEvent event : found) {
        for (Notifier notifier : notifiers) {
          if (notifier.lifecycles().contains(event.lifecycle())) {
            deliver(record, event, notifier);
          }
        }
      }
    } finally {
      MDC.remove("key");
    }
  }

  /** Forgets the statuses of a partition this instance no longer owns. */
  public void forget(int partition) {
    statuses.remove(partition);
  }

  /** How many resources are folded. */
  public int resources() {
    return statuses.values().stream().mapToInt(Map::size).sum();
  }

  private static boolean relevant(ConsumerRecord<String, String> record) {
    // Promises are keyed by name: no notification is about them. A null value is no event.
    return ResourceKey.isResourceKey(record.key()) && record.value() != null;
  }

  private List<LifecycleEvent> fold(ConsumerRecord<String, String> record, CloudEvent event) {
    Map<String, ResourceStatus> partition =
        statuses.computeIfAbsent(record.partition(), p -> new ConcurrentHashMap<>());
    ResourceStatus previous =
        partition.getOrDefault(record.key(), ResourceStatus.empty(record.key()));
    ResourceStatus next = StatusFold.apply(previous, event);
    List<LifecycleEvent> found = detector.detect(previous, event, next);
    partition.put(record.key(), next);
    return found;
  }

  private void deliver(
      ConsumerRecord<String, String> record, LifecycleEvent event, Notifier notifier)
      throws InterruptedException {
    Delivery delivery =
        new Delivery(
            event.key().toString(), event.generation(), event.lifecycle(), notifier.channel());
    MDC.put("generation", event.generation());
    MDC.put("event", event.lifecycle().id());
    MDC.put("channel", notifier.channel());
    try {
      if (ledger.wasSent(delivery)) {
        LOG.debugf("%s already sent to %s", event.lifecycle().id(), notifier.channel());
        return;
      }
      Outcome outcome = dispatcher.deliver(delivery, notifier, event, sink::retrying);
      sink.finished(outcome, record);
      if (outcome.sent()) {
        ledger.recordSent(delivery);
      }
    } finally {
      MDC.remove("generation");
      MDC.remove("event");
      MDC.remove("channel");
    }
  }

  private static String reason(RuntimeException e) {
    return e instanceof MalformedEventException
        ? e.getMessage()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
