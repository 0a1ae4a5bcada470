package io.pledge.intake.view;

import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.MalformedEventException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * offsets it saw when it started.
 *
 * <p>An unreadable record is logged and skipped: every instance reads it, so sending it to a
 * dead-letter topic from here would send it once per instance and restart.
 */
public final class TopicReplayer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TopicReplayer.class);

  private final Properties props;
  private final List<String> topics;
  private final String promisesTopic;
  private final String destinationsTopic;
  private final IntakeView view;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean caughtUp;
  private volatile KafkaConsumer<String, String> consumer;

  /**
   * @param kafka client settings (at least {@code bootstrap.servers})
   * @param promisesTopic compacted; a tombstone there deletes a Promise
   * @param destinationsTopic compacted; a tombstone there deletes a Destination or state store
   * @param otherTopics the other topics folded into the view
   */
  public TopicReplayer(
      Map<String, String> kafka,
      String promisesTopic,
      String destinationsTopic,
      List<String> otherTopics,
      IntakeView view) {
    this.props = new Properties();
    props.putAll(kafka);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "request-intake-view");
    this.promisesTopic = promisesTopic;
    this.destinationsTopic = destinationsTopic;
    this.topics = new ArrayList<>();
    topics.add(promisesTopic);
    topics.add(destinationsTopic);
    topics.addAll(otherTopics);
    this.view = view;
    this.thread = new Thread(this::run, "intake-view-replay");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** True once every partition was read up to its end offset at start-up. */
  public boolean caughtUp() {
    return caughtUp;
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
        if (!caughtUp && reached(consumer, endAtStart)) {
          caughtUp = true;
          LOG.infof("View replayed %s up to the end offsets seen at start-up", topics);
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
        tombstone(r);
        return;
      }
      CloudEvent event = EventCodec.read(r.value());
      view.applyReplayed(event);
    } catch (MalformedEventException | IllegalArgumentException e) {
      LOG.warnf(
          "Skipping unreadable record %s-%d@%d: %s",
          r.topic(), r.partition(), r.offset(), e.getMessage());
    } finally {
      MDC.remove("key");
    }
  }

  private void tombstone(ConsumerRecord<String, String> r) {
    if (r.key() == null) {
      return;
    }
    if (r.topic().equals(promisesTopic)) {
      view.promiseTombstone(r.key());
    } else if (r.topic().equals(destinationsTopic)) {
      view.destinationTombstone(r.key());
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
    running = false;
    KafkaConsumer<String, String> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
