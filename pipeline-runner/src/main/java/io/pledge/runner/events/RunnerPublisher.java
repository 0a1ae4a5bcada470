package io.pledge.runner.events;

import io.opentelemetry.context.Context;
import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.kafka.deadletter.DeadLetterHeaders;
import io.pledge.runner.workflow.WorkflowEvents;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes the runner's CloudEvents: status events on {@code pledge.status}, Works on {@code
 * pledge.works}, stage logs on {@code pledge.logs} and dry-run answers on {@code
 * pledge.dryruns.replies}, each keyed by its subject. The returned future completes when the broker
 * acknowledged the record (acks=all). Each event type's topic is fixed by the contract, so nothing
 * a request carries (a dry run's reply topic, say) can make the runner write elsewhere.
 */
@ApplicationScoped
public class RunnerPublisher implements WorkflowEvents {

  static final String SOURCE = "/pledge/pipeline-runner";

  private final EventCodec codec = new EventCodec(SOURCE);

  @Inject
  @Channel("status-out")
  @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
  Emitter<String> status;

  @Inject
  @Channel("works-out")
  @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
  Emitter<String> works;

  @Inject
  @Channel("logs-out")
  @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
  Emitter<String> logs;

  @Inject
  @Channel("dryrun-replies-out")
  @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 256)
  Emitter<String> dryRunReplies;

  @Inject
  @Channel("promises-dlq")
  @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 256)
  Emitter<String> promisesDeadLetters;

  @Override
  public CompletableFuture<Void> publish(EventType type, String subject, Object data) {
    CloudEvent event = codec.event(type, subject, data);
    return send(emitterFor(type), subject, EventCodec.write(event), null);
  }

  /** Sends a record of the Promise table that cannot be read to its dead-letter topic. */
  public CompletableFuture<Void> deadLetterPromise(
      String key, String value, String reason, int partition, long offset) {
    RecordHeaders headers = new RecordHeaders();
    DeadLetterHeaders.add(headers, reason, Topics.PROMISES, partition, offset);
    return send(promisesDeadLetters, key, value, headers);
  }

  private Emitter<String> emitterFor(EventType type) {
    return switch (type.topic()) {
      case Topics.WORKS -> works;
      case Topics.LOGS -> logs;
      case Topics.STATUS -> status;
      case Topics.DRY_RUN_REPLIES -> dryRunReplies;
      default -> throw new IllegalArgumentException("the runner does not publish " + type);
    };
  }

  private static CompletableFuture<Void> send(
      Emitter<String> emitter, String key, String value, RecordHeaders headers) {
    CompletableFuture<Void> acked = new CompletableFuture<>();
    OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> metadata =
        OutgoingKafkaRecordMetadata.<String>builder().withKey(key);
    if (headers != null) {
      metadata.withHeaders(headers);
    }
    // The record continues the current trace (the workflow's or pipeline's span): the connector
    // writes it as a traceparent header. Taken here, as the emitter may send on another thread.
    Message<String> message =
        Message.of(value)
            .addMetadata(metadata.build())
            .addMetadata(TracingMetadata.withCurrent(Context.current()))
            .withAck(
                () -> {
                  acked.complete(null);
                  return CompletableFuture.completedFuture(null);
                })
            .withNack(
                failure -> {
                  acked.completeExceptionally(failure);
                  return CompletableFuture.completedFuture(null);
                });
    try {
      emitter.send(message);
    } catch (RuntimeException e) {
      acked.completeExceptionally(e);
    }
    return acked;
  }
}
