package io.pledge.runner.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.contract.request.RequestApplied;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A second member of the runner's consumer group (a plain consumer, standing for another runner
 * instance) joins while a workflow of every partition runs: the runner stops the workflows of the
 * partitions it loses (no events, nothing acknowledged, so the newcomer receives their requests),
 * finishes those it keeps, and when the newcomer leaves again runs the lost ones to completion,
 * once each.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(StageImagesResource.class)
class RebalanceFlowTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final EventCodec INTAKE = new EventCodec("/pledge/request-intake");
  private static final String GROUP = "pledge-pipeline-runner";
  private static final int PARTITIONS = 4;
  private static final int STAGE_SECONDS = 6;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  private static JsonNode promise(String name) {
    return KratixDocuments.readAll(
            """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Promise
            metadata: {name: %s, generation: 1}
            spec:
              api:
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: sleepers.test.pledge.io}
                spec:
                  group: test.pledge.io
                  scope: Namespaced
                  names: {kind: Sleeper, plural: sleepers}
                  versions: [{name: v1, served: true, storage: true}]
              workflows:
                resource:
                  configure:
                    - apiVersion: platform.kratix.io/v1alpha1
                      kind: Pipeline
                      metadata: {name: sleep}
                      spec:
                        containers: [{name: sleep, image: "%s"}]
            """
                .formatted(name, StageImagesResource.SLOW_IMAGE))
        .get(0);
  }

  /** One key per partition of {@code pledge.requests}, by Kafka's default partitioner. */
  private static Map<Integer, ResourceKey> keyPerPartition(String promise) {
    Map<Integer, ResourceKey> keys = new HashMap<>();
    for (int i = 0; keys.size() < PARTITIONS; i++) {
      ResourceKey key = new ResourceKey("team-rb", promise, "s" + i);
      int partition =
          Utils.toPositive(Utils.murmur2(key.toString().getBytes(StandardCharsets.UTF_8)))
              % PARTITIONS;
      keys.putIfAbsent(partition, key);
    }
    return keys;
  }

  private static List<CloudEvent> fromRunner(EventProbe probe, EventType type, ResourceKey key) {
    return probe.events().stream()
        .filter(e -> e.type().equals(type.type()) && key.toString().equals(e.subject()))
        .filter(e -> e.source().equals("/pledge/pipeline-runner"))
        .toList();
  }

  @Test
  void aRevokedPartitionsWorkflowStopsUnacknowledgedAndRunsOnceWhereItIsOwned() throws Exception {
    String promise = "sleeper";
    try (EventProbe probe = new EventProbe(bootstrap, Topics.STATUS, Topics.WORKS, Topics.LOGS)) {
      probe.publish(
          Topics.PROMISES,
          INTAKE.event(
              EventType.PROMISE_APPLIED,
              promise,
              new PromiseApplied(promise, 1, promise(promise))));
      probe.await(EventType.WORKFLOW_COMPLETED.type(), promise, WAIT);

      Map<Integer, ResourceKey> keys = keyPerPartition(promise);
      for (ResourceKey key : keys.values()) {
        JsonNode resource =
            KratixDocuments.readAll(
                    """
                    apiVersion: test.pledge.io/v1
                    kind: Sleeper
                    metadata: {name: %s, namespace: team-rb, generation: 1}
                    spec: {size: %d}
                    """
                        .formatted(key.name(), STAGE_SECONDS))
                .get(0);
        probe.publish(
            Topics.REQUESTS,
            INTAKE.event(
                EventType.REQUEST_APPLIED,
                key.toString(),
                new RequestApplied(key, 1, "h", resource)));
      }
      await()
          .atMost(WAIT)
          .until(
              () ->
                  keys.values().stream()
                      .allMatch(k -> !fromRunner(probe, EventType.PIPELINE_STARTED, k).isEmpty()));

      // Another member joins while every workflow runs.
      Set<TopicPartition> taken = ConcurrentHashMap.newKeySet();
      List<ConsumerRecord<String, String>> received = new CopyOnWriteArrayList<>();
      AtomicBoolean stay = new AtomicBoolean(true);
      Thread newcomer =
          new Thread(
              () -> {
                try (KafkaConsumer<String, String> consumer =
                    new KafkaConsumer<>(newcomerProperties())) {
                  consumer.subscribe(List.of(Topics.REQUESTS));
                  while (stay.get()) {
                    consumer.poll(Duration.ofMillis(100)).forEach(received::add);
                    taken.clear();
                    taken.addAll(consumer.assignment());
                  }
                  // Leaves without committing anything.
                }
              },
              "newcomer");
      newcomer.start();
      try {
        await().atMost(WAIT).until(() -> !taken.isEmpty());
        Set<TopicPartition> lost = Set.copyOf(taken);
        List<ResourceKey> lostKeys = new ArrayList<>();
        List<ResourceKey> keptKeys = new ArrayList<>();
        keys.forEach(
            (p, k) ->
                (lost.contains(new TopicPartition(Topics.REQUESTS, p)) ? lostKeys : keptKeys)
                    .add(k));
        assertThat(lostKeys).isNotEmpty();

        // The newcomer receives the lost keys' requests: the runner acknowledged none of them.
        await()
            .atMost(WAIT)
            .until(
                () ->
                    lostKeys.stream()
                        .allMatch(
                            k -> received.stream().anyMatch(r -> k.toString().equals(r.key()))));
        // The kept ones finish; the lost ones stay stopped for longer than their stage takes.
        await()
            .atMost(WAIT)
            .until(
                () ->
                    keptKeys.stream()
                        .allMatch(
                            k -> !fromRunner(probe, EventType.WORKFLOW_COMPLETED, k).isEmpty()));
        Thread.sleep(Duration.ofSeconds(STAGE_SECONDS + 2).toMillis());
        for (ResourceKey k : lostKeys) {
          assertThat(fromRunner(probe, EventType.PIPELINE_SUCCEEDED, k)).as("%s", k).isEmpty();
          assertThat(fromRunner(probe, EventType.WORKFLOW_COMPLETED, k)).as("%s", k).isEmpty();
          assertThat(fromRunner(probe, EventType.WORK_UPSERTED, k)).as("%s", k).isEmpty();
          assertThat(fromRunner(probe, EventType.PIPELINE_LOG, k)).as("%s", k).isEmpty();
        }
      } finally {
        stay.set(false);
        newcomer.join(30_000);
      }

      // The newcomer left: the runner owns every partition again and runs each lost key once.
      await()
          .atMost(WAIT)
          .until(
              () ->
                  keys.values().stream()
                      .allMatch(
                          k -> !fromRunner(probe, EventType.WORKFLOW_COMPLETED, k).isEmpty()));
      Thread.sleep(1000);
      for (ResourceKey k : keys.values()) {
        assertThat(fromRunner(probe, EventType.WORKFLOW_COMPLETED, k)).as("%s", k).hasSize(1);
        assertThat(fromRunner(probe, EventType.PIPELINE_SUCCEEDED, k)).as("%s", k).hasSize(1);
        assertThat(fromRunner(probe, EventType.WORK_UPSERTED, k)).as("%s", k).hasSize(1);
        assertThat(fromRunner(probe, EventType.PIPELINE_LOG, k)).as("%s", k).hasSize(1);
      }
    }
  }

  private Map<String, Object> newcomerProperties() {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }
}
