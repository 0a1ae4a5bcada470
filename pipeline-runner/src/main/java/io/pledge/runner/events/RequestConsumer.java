package io.pledge.runner.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.event.MalformedEventException;
import io.pledge.contract.request.ReconcileRequested;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.request.RequestDeleted;
import io.pledge.runner.telemetry.RunnerTelemetry;
import io.pledge.runner.workflow.PromiseRegistry;
import io.pledge.runner.workflow.ResourceIndex;
import io.pledge.runner.workflow.ResourceJob;
import io.pledge.runner.workflow.WorkflowRunner;
import io.pledge.runner.workflow.WorkflowSequencer;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code pledge.requests} in the runner's consumer group. Each request becomes a job of
 * the {@link WorkflowSequencer}; the record is acknowledged only when its workflow's events are all
 * acknowledged by the broker (or a newer request replaced it), and the throttled commit strategy
 * commits an offset only when every record before it is acknowledged. A record that is not a
 * readable request is nacked: failure-strategy {@code dead-letter-queue} sends it to {@code
 * pledge.requests.dlq} with the reason, and the partition moves on. Jobs go through {@link
 * RequestPartitions}, which stops those of partitions a rebalance moves away.
 */
@ApplicationScoped
public class RequestConsumer {

  private static final Logger LOG = Logger.getLogger(RequestConsumer.class);

  @Inject
  @Identifier(RequestPartitions.NAME)
  RequestPartitions partitions;

  @Inject PromiseRegistry promises;
  @Inject WorkflowRunner runner;
  @Inject ResourceIndex index;

  // failure-strategy=dead-letter-queue (application.properties): poison records go to the DLQ.
  @Incoming("requests")
  public CompletionStage<Void> consume(Message<String> message) {
    ResourceJob job;
    try {
      job = job(message);
    } catch (MalformedEventException | IllegalArgumentException e) {
      LOG.warnf("dead-lettering an unreadable request: %s", e.getMessage());
      return message.nack(e);
    }
    // The workflow runs on the sequencer's threads, in the trace the record came with.
    job.traceParent(RunnerTelemetry.traceOf(message));
    message
        .getMetadata(IncomingKafkaRecordMetadata.class)
        .ifPresent(record -> job.fromPartition(record.getPartition()));
    // Returns once the job is held, not when it is done: other keys keep flowing meanwhile.
    return partitions.submit(job);
  }

  private ResourceJob job(Message<String> message) {
    String payload = message.getPayload();
    if (payload == null) {
      throw new MalformedEventException("a request record without a value");
    }
    CloudEvent event = EventCodec.read(payload);
    EventType type =
        event
            .eventType()
            .orElseThrow(
                () ->
                    new MalformedEventException("unknown event type on requests: " + event.type()));
    Runnable ack = () -> message.ack();
    return switch (type) {
      case REQUEST_APPLIED -> {
        RequestApplied r = EventCodec.data(event, RequestApplied.class);
        requireResource(r.key(), r.resource());
        yield job(
            r.key(),
            r.generation(),
            r.resource(),
            ResourceJob.Action.CONFIGURE,
            ack,
            event.id(),
            false);
      }
      case RECONCILE_REQUESTED -> {
        ReconcileRequested r = EventCodec.data(event, ReconcileRequested.class);
        requireResource(r.key(), r.resource());
        yield job(
            r.key(),
            r.generation(),
            r.resource(),
            ResourceJob.Action.CONFIGURE,
            ack,
            event.id(),
            true);
      }
      case REQUEST_DELETED -> {
        RequestDeleted r = EventCodec.data(event, RequestDeleted.class);
        if (r.key() == null) {
          throw new MalformedEventException("a delete request without a key");
        }
        yield job(
            r.key(),
            r.generation(),
            r.resource(),
            ResourceJob.Action.DELETE,
            ack,
            event.id(),
            false);
      }
      default ->
          throw new MalformedEventException(
              event.type() + " does not belong on the requests topic");
    };
  }

  /** A job run with this consumer's Promises, runner and index. */
  private ResourceJob job(
      ResourceKey key,
      long generation,
      JsonNode resource,
      ResourceJob.Action action,
      Runnable ack,
      String trigger,
      boolean rerun) {
    return new ResourceJob(
        key, generation, resource, action, promises, runner, ack, trigger, rerun, index);
  }

  private static void requireResource(Object key, Object resource) {
    if (key == null || resource == null) {
      throw new MalformedEventException("a request without key or resource");
    }
  }
}
