package io.pledge.intake.resources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Tells when the resource owner has folded everything that was on its inputs when this instance
 * started, and then up to which offsets of {@code pledge.resources} a reader must have read to see
 * all of it. Without this, the first start after an upgrade (or after the owner's group was reset)
 * would serve a half-folded view as soon as the view had read the few records folded so far.
 *
 * <p>Asked from the readiness check: each call makes at most one round of admin requests, and once
 * the answer is known it is kept and the admin client closed.
 */
public final class FoldCatchUp implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(FoldCatchUp.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

  private final Properties adminProps;
  private final String applicationId;
  private final List<String> inputs;
  private final String output;
  private Admin admin;
  private Map<TopicPartition, Long> inputEnds;
  private Map<TopicPartition, Long> inputStarts;
  private volatile Map<TopicPartition, Long> outputEnds;

  /**
   * @param kafka the service's Kafka client settings
   * @param applicationId the owner's Streams application id (its consumer group)
   * @param inputs the topics the owner folds
   * @param output the topic of folded records
   */
  public FoldCatchUp(
      Map<String, String> kafka, String applicationId, List<String> inputs, String output) {
    this.adminProps = new Properties();
    kafka.forEach(
        (k, v) -> {
          // Only what an admin client understands: it warns about every consumer setting.
          if (k.equals("bootstrap.servers")
              || k.startsWith("security.")
              || k.startsWith("sasl.")
              || k.startsWith("ssl.")) {
            adminProps.put(k, v);
          }
        });
    this.applicationId = applicationId;
    this.inputs = List.copyOf(inputs);
    this.output = output;
  }

  /**
   * The read_committed end offsets of the folded records' topic once the owner has caught up with
   * its inputs' ends as first seen by this object; empty until then.
   */
  public synchronized Optional<Map<TopicPartition, Long>> outputEnds() {
    if (outputEnds != null) {
      return Optional.of(outputEnds);
    }
    try {
      if (admin == null) {
        admin = Admin.create(adminProps);
      }
      if (inputEnds == null) {
        List<TopicPartition> in = partitions(inputs);
        inputEnds = offsets(in, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
        inputStarts = offsets(in, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED);
      }
      if (!caughtUp(committed())) {
        return Optional.empty();
      }
      outputEnds =
          offsets(partitions(List.of(output)), OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
      LOG.infof("The resource owner has folded its inputs up to their ends at start-up");
      close();
      return Optional.of(outputEnds);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.debugf("Fold catch-up not known yet: %s", e.toString());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * Every input partition's committed offset is at or past its end at start. A partition the owner
   * never committed counts from its first offset, so an empty (or emptied) partition is caught up.
   * Kafka Streams commits its consumer's position, which is past transaction markers too.
   */
  private boolean caughtUp(Map<TopicPartition, OffsetAndMetadata> committed) {
    for (Map.Entry<TopicPartition, Long> end : inputEnds.entrySet()) {
      OffsetAndMetadata c = committed.get(end.getKey());
      long at = c != null ? c.offset() : inputStarts.getOrDefault(end.getKey(), 0L);
      if (at < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  private Map<TopicPartition, OffsetAndMetadata> committed()
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> found =
        admin
            .listConsumerGroupOffsets(applicationId)
            .partitionsToOffsetAndMetadata()
            .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, OffsetAndMetadata> withoutNulls = new HashMap<>();
    found.forEach(
        (tp, o) -> {
          if (o != null) {
            withoutNulls.put(tp, o);
          }
        });
    return withoutNulls;
  }

  private List<TopicPartition> partitions(List<String> topics)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<String, TopicDescription> described =
        admin
            .describeTopics(topics)
            .allTopicNames()
            .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    List<TopicPartition> all = new ArrayList<>();
    described.forEach(
        (name, d) -> d.partitions().forEach(p -> all.add(new TopicPartition(name, p.partition()))));
    return all;
  }

  private Map<TopicPartition, Long> offsets(
      List<TopicPartition> partitions, OffsetSpec spec, IsolationLevel isolation)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> asked = new HashMap<>();
    partitions.forEach(tp -> asked.put(tp, spec));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found =
        admin
            .listOffsets(asked, new ListOffsetsOptions(isolation))
            .all()
            .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    found.forEach((tp, info) -> offsets.put(tp, info.offset()));
    return offsets;
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
      admin = null;
    }
  }
}
