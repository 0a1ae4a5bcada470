package io.pledge.runner.events;

import io.pledge.runner.config.RunnerConfig;
import io.pledge.runner.workflow.WorkflowSequencer;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The partitions of {@code pledge.requests} this instance owns, and what becomes of their jobs when
 * a rebalance moves them away (docs/design/backbone-v2.md, "Runner: one run per key"). The channel
 * uses the cooperative-sticky assignor, so only moving partitions are revoked and the others keep
 * running. The jobs of a revoked partition are revoked from the {@link WorkflowSequencer} (stopped,
 * never acknowledged), and the callback returns only once none of them runs: the partition is
 * assigned to its next owner after that, so two instances do not run one key at once.
 */
@ApplicationScoped
@Identifier(RequestPartitions.NAME)
public class RequestPartitions implements KafkaConsumerRebalanceListener {

  /** The name {@code consumer-rebalance-listener.name} of the requests channel refers to. */
  public static final String NAME = "pledge-requests-rebalance";

  private static final Logger LOG = Logger.getLogger(RequestPartitions.class);

  private final WorkflowSequencer sequencer;
  // pledge.runner.revoke-wait; the rebalance itself may last max.poll.interval.ms (5 min).
  private final Duration stopWait;
  private final Set<Integer> owned = new HashSet<>();

  @Inject
  public RequestPartitions(WorkflowSequencer sequencer, RunnerConfig config) {
    this(sequencer, config.revokeWait());
  }

  public RequestPartitions(WorkflowSequencer sequencer, Duration stopWait) {
    this.sequencer = sequencer;
    this.stopWait = stopWait;
  }

  /**
   * Hands {@code job} to the sequencer, unless its partition was revoked after its record was read
   * (a record already on its way when the rebalance began): the new owner runs that one.
   */
  public synchronized CompletionStage<Void> submit(WorkflowSequencer.Job job) {
    if (job.partition() >= 0 && !owned.contains(job.partition())) {
      LOG.debugf("%s left alone: partition %d moved to another instance", job, job.partition());
      return CompletableFuture.completedFuture(null);
    }
    return sequencer.submit(job);
  }

  /** Whether this instance reads partition {@code partition} of {@code pledge.requests} now. */
  public synchronized boolean owns(int partition) {
    return owned.contains(partition);
  }

  @Override
  public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    Set<Integer> assigned = numbers(partitions);
    if (assigned.isEmpty()) {
      // Cooperative rebalances call this on every member, also with nothing new.
      return;
    }
    synchronized (this) {
      owned.addAll(assigned);
    }
    LOG.infof("pledge.requests partitions assigned: %s", assigned);
  }

  // Also called for lost partitions (the default onPartitionsLost): the same applies.
  @Override
  public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    Set<Integer> moving = numbers(partitions);
    if (moving.isEmpty()) {
      return;
    }
    CompletableFuture<Void> stopped;
    // Under the lock submit() takes: no job of these partitions gets in after the sweep. Lock
    // order is always this, then the sequencer: the sequencer never calls submit() back (SmallRye
    // hands the next record over on its event loop, not on the thread that admits a job).
    synchronized (this) {
      owned.removeAll(moving);
      stopped = sequencer.revoke(job -> moving.contains(job.partition()));
    }
    LOG.infof("pledge.requests partitions revoked: %s; their workflows stop", moving);
    try {
      stopped.get(stopWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warnf("workflows of revoked partitions %s still stopping after %s", moving, stopWait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("stopping the workflows of " + moving, e.getCause());
    }
  }

  private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
    Set<Integer> numbers = new TreeSet<>();
    partitions.forEach(p -> numbers.add(p.partition()));
    return numbers;
  }
}
