package io.pledge.runner.dryrun;

import io.pledge.contract.dryrun.DryRunCompleted;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes dry-run answers on {@code pledge.dryruns.replies} (channel {@code dryrun-replies-out}),
 * keyed by resource key. The reply topic is configuration only, never taken from the request: a
 * request must not be able to make the runner write to another topic.
 */
@ApplicationScoped
public class DryRunPublisher {

  private final EventCodec codec = new EventCodec("/pledge/pipeline-runner");

  @Inject
  @Channel("dryrun-replies-out")
  @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 256)
  Emitter<String> replies;

  /** Completes when the broker acknowledged the answer. */
  public CompletableFuture<Void> publish(DryRunCompleted answer) {
    String key = answer.key().toString();
    String value = EventCodec.write(codec.event(EventType.DRY_RUN_COMPLETED, key, answer));
    CompletableFuture<Void> acked = new CompletableFuture<>();
    Message<String> message =
        Message.of(value)
            .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build())
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
      replies.send(message);
    } catch (RuntimeException e) {
      acked.completeExceptionally(e);
    }
    return acked;
  }
}
