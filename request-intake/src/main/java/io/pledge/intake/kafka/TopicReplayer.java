package io.pledge.intake.kafka;

import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.MalformedEventException;
import io.pledge.kafka.health.VitalThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Reads the topics the view is folded from, every partition from the beginning, then keeps
 * following them, on its own thread. It is not a consumer group member: every instance reads
 * everything and commits nothing. {@link #caughtUp()} turns true once it has read up to the end
 * offsets it saw when it started. It reads {@code read_committed}: the resource owner writes its
 * folded records in transactions.
 *
 * <p>An unreadable record is logged and skipped: every instance reads it, so sending it to a
 * dead-letter topic from here would send it once per instance and restart.
 */
public final class TopicReplayer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TopicReplayer.class);

  /** Where replayed records go. Called on the replay thread, in offset order per partition. */
  public interface Sink {
    void event(String topic, CloudEvent event);

    /** A record with a null value (a compaction tombstone). */
    void tombstone(String topic, String key);
  }

  private final Properties props;
  private final List<String> topics;
  private final Sink sink;
  private final String threadName;
  private volatile Thread thread;
  private volatile boolean running = true;
  private volatile boolean caughtUp;
  private volatile KafkaConsumer<String, String> consumer;
  private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
  private VitalThreads threads;

  /**
   * @param kafka client settings (at least {@code bootstrap.servers})
   * @param topics every partition of these is read from the beginning
   * @param clientId the consumer's client id
   * @param sink receives every readable record
   */
  public TopicReplayer(Map<String, String> kafka, List<String> topics, String clientId, Sink sink) {
    this.props = new Properties();
    props.putAll(kafka);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    this.topics = List.copyOf(topics);
    this.sink = sink;
    this.threadName = clientId + "-replay";
  }

  /** Starts following the topics on a thread of its own; should it die, {@code threads} knows. */
  public void start(VitalThreads threads) {
    this.threads = threads;
    thread = threads.start(threadName, this::run);
  }

  /** True once every partition was read up to its end offset at start-up. */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** True once every partition in {@code offsets} was read up to at least its offset there. */
  public boolean reached(Map<TopicPartition, Long> offsets) {
    for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
      if (positions.getOrDefault(e.getKey(), -1L) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void run() {
    Map<TopicPartition, Long> endAtStart = null;
    while (running) {
      try {
        if (consumer == null) {
          consumer = new KafkaConsumer<>(props);
        }
        if (endAtStart == null) {
          endAtStart = assignAll(consumer);
          if (endAtStart == null) {
            pause(Duration.ofSeconds(1));
            continue;
          }
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          handle(r);
        }
        for (TopicPartition tp : endAtStart.keySet()) {
          positions.put(tp, consumer.position(tp));
        }
        if (!caughtUp && reached(consumer, endAtStart)) {
          caughtUp = true;
          LOG.infof("Replayed %s up to the end offsets seen at start-up", topics);
        }
      } catch (WakeupException e) {
        break;
      } catch (RuntimeException e) {
        LOG.warnf("View replay failed, retrying: %s", e.toString());
        pause(Duration.ofSeconds(1));
      }
    }
    KafkaConsumer<String, String> c = consumer;
    if (c != null) {
      c.close(Duration.ofSeconds(2));
    }
  }

  /** Assigns every partition of every topic from its beginning; null while a topic is missing. */
  private Map<TopicPartition, Long> assignAll(KafkaConsumer<String, String> c) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
      if (infos == null || infos.isEmpty()) {
        LOG.infof("Waiting for topic %s to exist", topic);
        return null;
      }
      infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
    }
    c.assign(partitions);
    c.seekToBeginning(partitions);
    return c.endOffsets(partitions);
  }

  private static boolean reached(KafkaConsumer<String, String> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void handle(ConsumerRecord<String, String> r) {
    MDC.put("key", r.key() == null ? "" : r.key());
    try {
      if (r.value() == null) {
        if (r.key() != null) {
          sink.tombstone(r.topic(), r.key());
        }
        return;
      }
      sink.event(r.topic(), EventCodec.read(r.value()));
    } catch (MalformedEventException | IllegalArgumentException e) {
      LOG.warnf(
          "Skipping unreadable record %s-%d@%d: %s",
          r.topic(), r.partition(), r.offset(), e.getMessage());
    } finally {
      MDC.remove("key");
    }
  }

  private void pause(Duration d) {
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
