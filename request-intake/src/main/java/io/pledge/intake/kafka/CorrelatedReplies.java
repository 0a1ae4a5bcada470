package io.pledge.intake.kafka;

import io.pledge.kafka.health.VitalThreads;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads an answers topic for this instance: every partition, from its end at start-up, without a
 * consumer group (any instance of the answering side may answer on any partition, and each instance
 * here needs the answers to its own questions). An answer completes the future registered under its
 * correlation id; answers for other instances, or for questions that timed out, are skipped. Used
 * for dry runs (answered by pipeline-runner) and for the resource owner's decisions.
 *
 * <p>Chosen over SmallRye's {@code KafkaRequestReply}: the correlation id travels in the answer
 * itself (readable by any Kafka client), not in SmallRye-specific headers.
 *
 * @param <T> the answer
 */
public final class CorrelatedReplies<T> implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(CorrelatedReplies.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final Duration PARTITION_CHECK = Duration.ofSeconds(30);

  private final Properties props = new Properties();
  private final String topic;
  private final String name;
  private final Function<String, Optional<Answer<T>>> parse;
  private final Map<String, CompletableFuture<T>> waiting = new ConcurrentHashMap<>();
  private final CountDownLatch positioned = new CountDownLatch(1);
  private volatile Thread thread;
  private VitalThreads threads;
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, String> consumer;

  /** An answer read from the topic: to whom, and what. */
  public record Answer<T>(String correlationId, T value) {}

  /**
   * @param kafka client settings (at least {@code bootstrap.servers})
   * @param topic the answers topic
   * @param name names the client, the thread and the log lines, e.g. {@code dry-run-replies}
   * @param parse reads a record's value; empty for a record that is no answer. May throw for an
   *     unreadable one, which is logged and skipped.
   */
  public CorrelatedReplies(
      Map<String, String> kafka,
      String topic,
      String name,
      Function<String, Optional<Answer<T>>> parse) {
    this.topic = topic;
    this.name = name;
    this.parse = parse;
    props.putAll(kafka);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Answers written in a transaction count once it commits, with what it committed alongside.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "request-intake-" + name);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
  }

  /** Starts reading answers on a thread of its own; should it die, {@code threads} knows. */
  public void start(VitalThreads threads) {
    this.threads = threads;
    thread = threads.start(name, this::run);
  }

  /**
   * Waits until the consumer holds its positions: from then on no answer to a request published
   * afterwards can be missed.
   */
  public boolean awaitPositioned(Duration timeout) throws InterruptedException {
    return positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The answer to {@code correlationId}, once it arrives. Call {@link #forget} when done. */
  public CompletableFuture<T> expect(String correlationId) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    waiting.put(correlationId, answer);
    return answer;
  }

  public void forget(String correlationId) {
    waiting.remove(correlationId);
  }

  /** Questions waiting for their answer. */
  public int waiting() {
    return waiting.size();
  }

  private void run() {
    while (running) {
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
        consumer = c;
        Set<TopicPartition> assigned = partitions(c);
        if (assigned.isEmpty()) {
          LOG.debugf("topic %s has no partitions yet", topic);
          sleep(RETRY);
          continue;
        }
        c.assign(assigned);
        c.seekToEnd(assigned);
        assigned.forEach(c::position); // resolves the end offsets now, not at the first poll
        positioned.countDown();
        LOG.infof("reading %s from %s (%d partitions)", name, topic, assigned.size());
        long nextCheck = System.nanoTime() + PARTITION_CHECK.toNanos();
        while (running) {
          for (ConsumerRecord<String, String> r : c.poll(POLL)) {
            answer(r);
          }
          if (System.nanoTime() > nextCheck) {
            nextCheck = System.nanoTime() + PARTITION_CHECK.toNanos();
            Set<TopicPartition> now = partitions(c);
            if (!assigned.containsAll(now)) {
              // New partitions hold only answers written since they were added: read them all.
              Set<TopicPartition> added = new HashSet<>(now);
              added.removeAll(assigned);
              assigned = now;
              c.assign(assigned);
              c.seekToBeginning(added);
            }
          }
        }
      } catch (WakeupException e) {
        // closing
      } catch (RuntimeException e) {
        if (running) {
          LOG.warnf("reading %s failed, retrying: %s", name, e.toString());
          sleep(RETRY);
        }
      } finally {
        consumer = null;
      }
    }
  }

  private Set<TopicPartition> partitions(KafkaConsumer<String, String> c) {
    List<PartitionInfo> infos = c.partitionsFor(topic);
    Set<TopicPartition> partitions = new HashSet<>();
    if (infos != null) {
      infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    }
    return partitions;
  }

  private void answer(ConsumerRecord<String, String> record) {
    if (record.value() == null || waiting.isEmpty()) {
      return;
    }
    try {
      Optional<Answer<T>> answer = parse.apply(record.value());
      CompletableFuture<T> future =
          answer.map(Answer::correlationId).map(waiting::remove).orElse(null);
      if (future != null) {
        future.complete(answer.get().value());
      }
    } catch (RuntimeException e) {
      // Every instance reads every answer: one that cannot be read is only logged here.
      LOG.warnf(
          "skipping an unreadable answer at %s-%d@%d: %s",
          record.topic(), record.partition(), record.offset(), e.getMessage());
    }
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    Thread t = thread;
    if (t != null) {
      threads.stopping(t);
    }
    running = false;
    KafkaConsumer<String, String> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (t == null) {
      return;
    }
    try {
      t.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
