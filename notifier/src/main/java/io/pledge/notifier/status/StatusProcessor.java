package io.pledge.notifier.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.event.MalformedEventException;
import io.pledge.contract.notification.NotificationDelivered;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.contract.status.StatusFold;
import io.pledge.kafka.tracing.TraceScope;
import io.pledge.notifier.delivery.Delivery;
import io.pledge.notifier.delivery.NotificationDispatcher;
import io.pledge.notifier.delivery.Notifier;
import io.pledge.notifier.delivery.Outcome;
import io.pledge.notifier.ledger.DeliveryLedger;
import io.pledge.notifier.lifecycle.ChangeClassifier;
import io.pledge.notifier.lifecycle.Lifecycle;
import io.pledge.notifier.lifecycle.LifecycleDetector;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import io.pledge.notifier.policy.NotificationPlanner;
import io.pledge.notifier.policy.NotificationPlanner.Planned;
import io.pledge.notifier.telemetry.NotifierTelemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * What the notifier does with one status record: fold it into its resource's status, find the
 * lifecycle events in that step (and the notifications a pipeline asked for), plan them with the
 * rules that apply, and deliver each one not yet sent. Kafka writes go through a {@link Sink}, the
 * tables it reads through {@link Tables}, so this class runs without a broker in tests.
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

  /** The tables read besides the status: policies and request documents. */
  public interface Tables {
    /**
     * Catches up on the policies, so that one published before the status record being processed is
     * in force.
     */
    void catchUpPolicies();

    /**
     * Catches up on the requests; then the request document of {@code key} at {@code generation}
     * (else the latest one before it), or null.
     *
     * @param await wait a little for that exact generation (it may follow the status record, as
     *     request-intake publishes REQUEST_ACCEPTED before REQUEST_APPLIED)
     */
    JsonNode resource(String key, long generation, boolean await) throws InterruptedException;
  }

  private static final Logger LOG = Logger.getLogger(StatusProcessor.class);

  private final LifecycleDetector detector = new LifecycleDetector();
  private final ChangeClassifier changes = new ChangeClassifier();
  private final Map<String, Notifier> notifiers;
  private final NotificationPlanner planner;
  private final Tables tables;
  private final NotificationDispatcher dispatcher;
  private final DeliveryLedger ledger;
  private final Sink sink;
  private final NotifierTelemetry telemetry;
  // Concurrent only so the health check may count while the consumer thread folds.
  private final Map<Integer, Map<String, Folded>> statuses = new ConcurrentHashMap<>();

  /** A resource's status and the first generation of it ever reconciled (0: none yet). */
  private record Folded(ResourceStatus status, long firstReconciled) {}

  /** What one record brings to deliver. */
  private record Found(
      List<LifecycleEvent> lifecycle, LifecycleEvent pipelineAbout, PipelineSucceeded pipeline) {}

  public StatusProcessor(
      List<Notifier> notifiers,
      NotificationPlanner planner,
      Tables tables,
      NotificationDispatcher dispatcher,
      DeliveryLedger ledger,
      Sink sink) {
    this(notifiers, planner, tables, dispatcher, ledger, sink, NotifierTelemetry.NONE);
  }

  /**
   * @param telemetry traces each delivery in the trace of the record that caused it, and counts the
   *     outcomes
   */
  public StatusProcessor(
      List<Notifier> notifiers,
      NotificationPlanner planner,
      Tables tables,
      NotificationDispatcher dispatcher,
      DeliveryLedger ledger,
      Sink sink,
      NotifierTelemetry telemetry) {
    this.telemetry = telemetry;
    Map<String, Notifier> byChannel = new java.util.LinkedHashMap<>();
    notifiers.forEach(n -> byChannel.put(n.channel(), n));
    this.notifiers = Map.copyOf(byChannel);
    this.planner = planner;
    this.tables = tables;
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
    try (TraceScope trace = TraceScope.enter(telemetry.extract(record.headers()))) {
      Found found;
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
      if (!found.lifecycle().isEmpty() || found.pipeline() != null) {
        tables.catchUpPolicies();
      }
      for (LifecycleEvent event : found.lifecycle()) {
        if (!pending(event)) {
          continue; // nothing wants it, or all of it was sent: no need for the request document
        }
        JsonNode resource =
            tables.resource(
                record.key(), event.generation(), event.lifecycle() == Lifecycle.REQUESTED);
        for (Planned planned : planner.plan(event, resource)) {
          deliver(record, planned);
        }
      }
      if (found.pipeline() != null) {
        LifecycleEvent about = found.pipelineAbout();
        JsonNode resource = tables.resource(record.key(), about.generation(), false);
        for (Planned planned :
            planner.requested(
                about, found.pipeline().pipeline(), found.pipeline().notifications(), resource)) {
          deliver(record, planned);
        }
      }
    } finally {
      MDC.remove("key");
    }
  }

  /** True when a rule wants {@code event} on a channel that has not been told yet. */
  private boolean pending(LifecycleEvent event) {
    return planner.channelsFor(event).stream()
        .anyMatch(
            channel ->
                !ledger.wasSent(
                    new Delivery(
                        event.key().toString(), event.generation(), event.lifecycle(), channel)));
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

  private Found fold(ConsumerRecord<String, String> record, CloudEvent event) {
    Map<String, Folded> partition =
        statuses.computeIfAbsent(record.partition(), p -> new ConcurrentHashMap<>());
    Folded previous =
        partition.getOrDefault(record.key(), new Folded(ResourceStatus.empty(record.key()), 0));
    ResourceStatus next = StatusFold.apply(previous.status(), event);
    List<LifecycleEvent> found = new ArrayList<>(detector.detect(previous.status(), event, next));
    long firstReconciled = previous.firstReconciled();
    for (LifecycleEvent e : List.copyOf(found)) {
      if (e.lifecycle() == Lifecycle.RECONCILED) {
        if (firstReconciled == 0) {
          firstReconciled = e.generation();
        }
        changes.classify(e, firstReconciled).ifPresent(found::add);
      }
    }
    partition.put(record.key(), new Folded(next, firstReconciled));

    PipelineSucceeded pipeline = null;
    LifecycleEvent pipelineAbout = null;
    if (EventType.PIPELINE_SUCCEEDED.type().equals(event.type())) {
      PipelineSucceeded succeeded = EventCodec.data(event, PipelineSucceeded.class);
      // A stale run's success changes nothing in the fold and asks for nothing either.
      if (succeeded.notifications() != null
          && !succeeded.notifications().isNull()
          && succeeded.workflow().generation() >= next.generation()) {
        pipeline = succeeded;
        pipelineAbout =
            new LifecycleEvent(
                ResourceKey.parse(record.key()),
                succeeded.workflow().generation(),
                Lifecycle.PIPELINE,
                next);
      }
    }
    return new Found(List.copyOf(found), pipelineAbout, pipeline);
  }

  private void deliver(ConsumerRecord<String, String> record, Planned planned)
      throws InterruptedException {
    Delivery delivery = planned.delivery();
    MDC.put("generation", delivery.generation());
    MDC.put("event", delivery.event());
    MDC.put("channel", delivery.channel());
    try {
      if (ledger.wasSent(delivery)) {
        LOG.debugf("%s already sent to %s", delivery.event(), delivery.channel());
        return;
      }
      Span span =
          telemetry.startDelivery(
              delivery.key(), delivery.generation(), delivery.event(), delivery.channel());
      try (TraceScope trace = TraceScope.enter(span)) {
        Outcome outcome = attempt(delivery, planned);
        span.setAttribute("pledge.outcome", outcome.outcome());
        span.setAttribute("pledge.attempts", (long) outcome.attempt());
        if (outcome.failed()) {
          span.setStatus(StatusCode.ERROR, outcome.detail());
        }
        // The outcome event carries this span's trace (the sink writes the current one).
        sink.finished(outcome, record);
        telemetry.delivered(delivery.channel(), outcome.outcome());
        if (outcome.sent()) {
          ledger.recordSent(delivery);
        }
      } finally {
        span.end();
      }
    } finally {
      MDC.remove("generation");
      MDC.remove("event");
      MDC.remove("channel");
    }
  }

  private Outcome attempt(Delivery delivery, Planned planned) throws InterruptedException {
    Notifier notifier = notifiers.get(planned.channel());
    if (planned.error().isPresent()) {
      return failedAtOnce(delivery, planned.error().get());
    }
    if (notifier == null) {
      return failedAtOnce(
          delivery, "channel " + planned.channel() + " is not configured on the notifier");
    }
    return dispatcher.deliver(
        delivery,
        notifier,
        planned.notification(),
        retrying -> {
          sink.retrying(retrying);
          telemetry.delivered(delivery.channel(), retrying.outcome());
        });
  }

  private static Outcome failedAtOnce(Delivery delivery, String why) {
    LOG.warnf("%s notification not sent to %s: %s", delivery.event(), delivery.channel(), why);
    return new Outcome(delivery, NotificationDelivered.FAILED, 0, why);
  }

  private static String reason(RuntimeException e) {
    return e instanceof MalformedEventException
        ? e.getMessage()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
