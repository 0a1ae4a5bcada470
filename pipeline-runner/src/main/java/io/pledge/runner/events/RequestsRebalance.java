package io.pledge.runner.events;

import io.pledge.runner.workflow.ResourceJob;
import io.pledge.runner.workflow.WorkflowSequencer;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Stops the workflows of the {@code pledge.requests} partitions a rebalance takes from this
 * instance (channel {@code requests}, {@code consumer-rebalance-listener.name}): their running
 * stages are killed, they publish nothing more and acknowledge nothing, and their queued requests
 * are forgotten; the new owner receives those records again. With the cooperative-sticky assignor
 * only the moving partitions are revoked, and revocation completes before they are assigned
 * elsewhere, so one key never runs on two instances at once. It waits for the stopped workflows to
 * end (bounded by {@link #STOP_WAIT}, well under {@code max.poll.interval.ms}).
 */
@ApplicationScoped
@Identifier(RequestsRebalance.NAME)
public class RequestsRebalance implements KafkaConsumerRebalanceListener {

  static final String NAME = "pledge-runner-requests-rebalance";
  static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private static final Logger LOG = Logger.getLogger(RequestsRebalance.class);

  @Inject WorkflowSequencer sequencer;

  @Override
  public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    Set<Integer> taken =
        partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    LOG.infof("partitions %s revoked: stopping their workflows", taken);
    try {
      sequencer
          .revoke(job -> job instanceof ResourceJob r && taken.contains(r.partition()))
          .get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warnf("workflows of partitions %s did not stop within %s", taken, STOP_WAIT);
    } catch (ExecutionException e) {
      LOG.warnf(e.getCause(), "stopping the workflows of partitions %s failed", taken);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    onPartitionsRevoked(consumer, partitions);
  }
}
