package io.pledge.intake.dryrun;

import io.pledge.contract.dryrun.DryRunRequested;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.problem.ProblemException;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes dry-run requests on {@code pledge.dryruns} (channel {@code dryruns-out}), keyed by
 * resource key, and waits for the broker. Unlike {@code EventPublisher}, nothing is folded into the
 * view: a dry run changes nothing.
 */
@ApplicationScoped
public class DryRunPublisher {

  private static final Logger LOG = Logger.getLogger(DryRunPublisher.class);

  private final MutinyEmitter<String> requests;
  private final IntakeConfig config;
  private final EventCodec codec;

  DryRunPublisher(@Channel("dryruns-out") MutinyEmitter<String> requests, IntakeConfig config) {
    this.requests = requests;
    this.config = config;
    this.codec = new EventCodec(config.eventSource());
  }

  /**
   * @throws ProblemException 503 when the broker does not acknowledge it in time
   */
  public CloudEvent publish(DryRunRequested request) {
    String key = request.key().toString();
    CloudEvent event = codec.event(EventType.DRY_RUN_REQUESTED, key, request);
    Message<String> message =
        Message.of(EventCodec.write(event))
            .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
    try {
      requests.sendMessage(message).await().atMost(config.publishTimeout());
    } catch (RuntimeException e) {
      LOG.warnf("Publishing the dry run of %s failed: %s", key, e.toString());
      throw ProblemException.unavailable(
          "The event broker did not take the dry run of " + key + "; retry the request");
    }
    return event;
  }
}
