package io.pledge.intake.publish;

import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.kafka.KafkaClientProperties;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.ViewLifecycle;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The single writer of Promises, Destinations, state stores and NotificationPolicies across
 * replicas. Their generations are decided from the view (Kubernetes' rule, {@link Generations});
 * two replicas applying one Promise at once would both hand out n+1. So every replica publishes
 * them in Kafka transactions under one shared {@code transactional.id}: the replica that
 * initialises it fences every other, and aborts a transaction one of them has open. Before it
 * plans, it waits for its view to have read the definition topics up to their last stable offsets
 * as seen after the fence, so nothing another replica committed is missing. Its producer is kept:
 * while its transactions commit, nobody else has taken the fence since, so its view is still
 * complete. When a transaction fails because another replica took the fence (or while it did, so
 * that the outcome is unknown), the work is planned again on top of what is committed.
 *
 * <p>Readers of the definition topics read them read_committed, so an aborted definition is never
 * seen. Within this replica, applies of definitions are serialised by a lock (one producer, one
 * transaction at a time); they are rare next to requests, which never come here.
 */
@ApplicationScoped
public class DefinitionFence {

  private static final Logger LOG = Logger.getLogger(DefinitionFence.class);
  private static final int ATTEMPTS = 5;

  private final IntakeConfig config;
  private final Config rawConfig;
  private final IntakeView view;
  private final ViewLifecycle lifecycle;
  private final ReentrantLock lock = new ReentrantLock();
  private final ThreadLocal<Transaction> current = new ThreadLocal<>();
  private KafkaProducer<String, String> producer;
  private KafkaConsumer<String, String> offsets;

  DefinitionFence(IntakeConfig config, Config rawConfig, IntakeView view, ViewLifecycle lifecycle) {
    this.config = config;
    this.rawConfig = rawConfig;
    this.view = view;
    this.lifecycle = lifecycle;
  }

  /** The events published in the current transaction, applied to the view once it commits. */
  public final class Transaction {
    private final List<Runnable> afterCommit = new ArrayList<>();
    private final List<CloudEvent> events = new ArrayList<>();

    /**
     * Sends {@code event} to {@code topic} in the transaction; the view shows it once the
     * transaction commits.
     */
    public void send(String topic, CloudEvent event) {
      view.expectOwn(event);
      events.add(event);
      try {
        RecordMetadata at =
            producer
                .send(new ProducerRecord<>(topic, event.subject(), EventCodec.write(event)))
                .get(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        afterCommit.add(() -> view.applyOwn(event, at.topic(), at.offset()));
      } catch (ExecutionException e) {
        throw e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
      } catch (TimeoutException e) {
        throw new KafkaException("no acknowledgement in " + config.publishTimeout(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaException("interrupted", e);
      }
    }

    private void forget() {
      events.forEach(view::forgetOwn);
    }
  }

  /** The transaction of the work running on this thread; null outside {@link #run}. */
  public Transaction current() {
    return current.get();
  }

  /**
   * Runs {@code work} holding the fence, in one transaction that commits when it returns; again,
   * from the start, when another replica took the fence meanwhile.
   *
   * @throws ProblemException 503 when the broker cannot be reached or the fence keeps moving
   */
  public <T> T run(Supplier<T> work) {
    if (current.get() != null) {
      return work.get(); // nested: part of the transaction already open
    }
    lock.lock();
    try {
      for (int attempt = 1; ; attempt++) {
        Transaction tx = new Transaction();
        try {
          fence();
          producer.beginTransaction();
          current.set(tx);
          T result = work.get();
          producer.commitTransaction();
          tx.afterCommit.forEach(Runnable::run);
          return result;
        } catch (KafkaException e) {
          tx.forget();
          abortQuietly();
          dropProducer();
          if (brokerNotAnswering(e)) {
            LOG.warnf("Publishing definitions failed: %s", e.toString());
            throw ProblemException.unavailable(
                "The event broker did not take the change; retry the request");
          }
          if (attempt >= ATTEMPTS) {
            throw ProblemException.unavailable(
                "Other request-intake replicas kept publishing definitions; retry the request");
          }
          LOG.infof("The definitions transaction did not commit; planning again (%s)", e);
        } catch (RuntimeException e) {
          tx.forget();
          abortQuietly();
          throw e;
        } finally {
          current.remove();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether a failed transaction means the broker is not answering, so that another attempt would
   * only make the caller wait as long again. Every other failure leaves the transaction aborted or
   * fenced, or its outcome unknown: another replica took the fence (the client reports that as
   * {@code ProducerFencedException} or {@code InvalidProducerEpochException}), or the coordinator
   * answered the commit with an error while it was aborting the transaction for that replica (Kafka
   * 4.1's coordinator answers an EndTxn that meets a pending epoch fence with an unknown server
   * error). Taking the fence again settles it either way, and planning again on the view that then
   * holds everything committed is what makes a retry safe: a change that did commit is found there.
   */
  static boolean brokerNotAnswering(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
        return false;
      }
      if (t instanceof org.apache.kafka.common.errors.TimeoutException
          || t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Takes the fence if this replica does not hold it, then waits for the view to have read every
   * definition committed before.
   */
  private void fence() {
    if (producer != null) {
      return;
    }
    Map<String, Object> props = new HashMap<>(KafkaClientProperties.of(rawConfig));
    props.keySet().retainAll(ProducerConfig.configNames());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.definitionsTransactionalId());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.publishTimeout().toMillis());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producer = new KafkaProducer<>(props);
    producer.initTransactions();
    awaitViewAt(stableEnds());
  }

  /** The definition topics' last stable offsets: after the fence, nothing below them is open. */
  private Map<TopicPartition, Long> stableEnds() {
    if (offsets == null) {
      Map<String, Object> props = new HashMap<>(KafkaClientProperties.of(rawConfig));
      props.keySet().retainAll(ConsumerConfig.configNames());
      props.remove(ConsumerConfig.GROUP_ID_CONFIG);
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      props.put(ConsumerConfig.CLIENT_ID_CONFIG, "request-intake-definitions-fence");
      props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      offsets = new KafkaConsumer<>(props);
    }
    List<TopicPartition> partitions = new ArrayList<>();
    IntakeConfig.TopicNames t = config.topics();
    for (String topic : List.of(t.promises(), t.destinations(), t.policies())) {
      for (PartitionInfo p : offsets.partitionsFor(topic, config.publishTimeout())) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
    }
    return offsets.endOffsets(partitions, config.publishTimeout());
  }

  private void awaitViewAt(Map<TopicPartition, Long> ends) {
    long deadline = System.nanoTime() + config.publishTimeout().toNanos();
    while (!lifecycle.reached(ends)) {
      if (System.nanoTime() > deadline) {
        dropProducer(); // take the fence again next time, and wait again
        throw ProblemException.unavailable(
            "request-intake has not read the latest definitions yet; retry the request");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ProblemException.unavailable("Interrupted while reading the definitions");
      }
    }
  }

  private void abortQuietly() {
    if (producer == null) {
      return;
    }
    try {
      producer.abortTransaction();
    } catch (KafkaException e) {
      dropProducer(); // fenced or broken: a new one next time
    }
  }

  private void dropProducer() {
    if (producer != null) {
      try {
        producer.close(Duration.ZERO);
      } catch (KafkaException e) {
        LOG.debugf("closing the definitions producer: %s", e);
      }
      producer = null;
    }
  }

  void stop(@Observes ShutdownEvent ignored) {
    lock.lock();
    try {
      dropProducer();
      if (offsets != null) {
        offsets.close(Duration.ofSeconds(1));
        offsets = null;
      }
    } finally {
      lock.unlock();
    }
  }
}
