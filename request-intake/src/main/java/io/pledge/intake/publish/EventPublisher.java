package io.pledge.intake.publish;

import io.opentelemetry.context.Context;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.request.RequestRejected;
import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.telemetry.IntakeMetrics;
import io.pledge.intake.view.IntakeView;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes this service's events and waits for the broker's acknowledgement ({@code acks=all}) of
 * each before returning, then applies it to the view so the next request sees it. Never call it on
 * the event loop.
 */
@ApplicationScoped
public class EventPublisher {

  private static final Logger LOG = Logger.getLogger(EventPublisher.class);

  private final MutinyEmitter<String> status;
  private final DefinitionFence fence;
  private final IntakeView view;
  private final IntakeConfig config;
  private final EventCodec codec;

  @Inject IntakeMetrics metrics;

  EventPublisher(
      @Channel("status-out") MutinyEmitter<String> status,
      DefinitionFence fence,
      IntakeView view,
      IntakeConfig config) {
    this.status = status;
    this.fence = fence;
    this.view = view;
    this.config = config;
    this.codec = new EventCodec(config.eventSource());
  }

  /**
   * Publishes one event on the topic of its type, keyed by its subject.
   *
   * @throws ProblemException 503 when the broker does not acknowledge it in time
   */
  public CloudEvent publish(EventType type, String subject, Object data) {
    return publish(type, subject, data, null);
  }

  /**
   * Publishes one event answering the inbound event {@code correlationId} (null when it answers
   * none).
   *
   * @throws ProblemException 503 when the broker does not acknowledge it in time
   */
  public CloudEvent publish(EventType type, String subject, Object data, String correlationId) {
    CloudEvent event = codec.event(type, subject, data);
    if (correlationId != null) {
      event = event.withCorrelationId(correlationId);
    }
    DefinitionFence.Transaction definitions = fence.current();
    // Promises, Destinations, state stores and policies: only under the fence.
    if (IntakeView.isTableType(type)) {
      if (definitions == null) {
        throw new IllegalStateException(type.type() + " is published only under the fence");
      }
      // Visible to readers, and applied to the view, when the fence's transaction commits.
      definitions.send(topicOf(type), event);
      return event;
    }
    MutinyEmitter<String> emitter = emitterFor(type);
    // The record continues the current trace (the REST call's, or the inbound record's): the
    // connector writes it as a traceparent header. The connector puts the record's topic and
    // offset into the outgoing metadata on acknowledgement: the view keeps the event on top of the
    // folded record until the owner has folded that offset.
    OutgoingMessageMetadata<RecordMetadata> written = new OutgoingMessageMetadata<>();
    Message<String> message =
        Message.of(EventCodec.write(event))
            .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(subject).build())
            .addMetadata(TracingMetadata.withCurrent(Context.current()))
            .addMetadata(written);
    view.expectOwn(event);
    try {
      emitter.sendMessage(message).await().atMost(config.publishTimeout());
    } catch (RuntimeException e) {
      view.forgetOwn(event);
      LOG.warnf("Publishing %s about %s failed: %s", type.type(), subject, e.toString());
      throw ProblemException.unavailable(
          "The event broker did not acknowledge "
              + type.type()
              + " for "
              + subject
              + "; retry the request");
    }
    RecordMetadata at = written.getResult();
    if (at != null) {
      view.applyOwn(event, at.topic(), at.offset());
    } else {
      // Not seen with the Kafka connector; without an offset the event cannot be kept pending.
      LOG.warnf("No offset for %s about %s; the view shows it once folded", type.type(), subject);
    }
    if (correlationId != null) {
      countInbound(type, data);
    }
    return event;
  }

  /**
   * An inbound request refused here is counted by its REST status; accepted ones are counted where
   * their owner's decision arrives ({@code InboundRequestConsumer}).
   */
  private void countInbound(EventType type, Object data) {
    if (metrics == null) {
      return;
    }
    if (type == EventType.REQUEST_REJECTED && data instanceof RequestRejected rejected) {
      metrics.request(
          IntakeMetrics.INBOUND, rejected.problem() == null ? 400 : rejected.problem().status());
    }
  }

  private MutinyEmitter<String> emitterFor(EventType type) {
    return switch (type) {
      // WORK_FAILED and WORK_COMMITTED: a compound Promise's requests refused or applied late.
      case REQUEST_ACCEPTED, REQUEST_REJECTED, WORK_FAILED, WORK_COMMITTED -> status;
      default -> throw new IllegalArgumentException("request-intake does not publish " + type);
    };
  }

  private String topicOf(EventType type) {
    IntakeConfig.TopicNames t = config.topics();
    return switch (type) {
      case PROMISE_APPLIED, PROMISE_DELETED -> t.promises();
      case DESTINATION_APPLIED, DESTINATION_DELETED -> t.destinations();
      default -> t.policies();
    };
  }
}
