package io.pledge.runner.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.Topics;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.contract.request.RequestApplied;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Measurements, not checks (excluded by default): the runner's own CPU per request through the real
 * service and the in-process broker. One Promise with one pipeline of one silent container (as the
 * bench Promise's stage: one manifest out, nothing printed); N requests of distinct keys published
 * at once; measured until every request's offset is committed (its workflow's records and its index
 * record acknowledged). CPU is the JVM's threads' CPU time (ThreadMXBean), split by thread name
 * into the broker's, the harness's and the runner's; stages are child processes and not counted.
 * Run:
 *
 * <pre>
 * ./mvnw -B -o test -pl pipeline-runner -Dtest=RunnerCpuBenchmarkTest -Dgroups=benchmark -DexcludedGroups=
 * </pre>
 */
@Tag("benchmark")
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(StageImagesResource.class)
class RunnerCpuBenchmarkTest {

  private static final EventCodec INTAKE = new EventCodec("/pledge/request-intake");
  private static final int WARM_UP = 40;
  private static final int REQUESTS = 400;

  /** Threads of the in-process KRaft broker and controller. */
  private static final Pattern BROKER =
      Pattern.compile(
          "(?i).*(data-plane|kafka-request-handler|kafka-network-thread|controller|raft|quorum"
              + "|broker|ExpirationReaper|LogDirFailure|kafka-scheduler|kafka-log|log-cleaner"
              + "|group-coordinator|share-coordinator|transaction|ReplicaFetcher|metadata"
              + "|TxnMarker|executor-|persister|AddPartitions|node-to-controller|snapshot"
              + "|kafka-[0-9]+-|feature|client-metrics|fetch-session|remote-log|queue-|share-group).*");

  /** The harness: the probe's and the publisher's clients, and the test thread. */
  private static final Pattern HARNESS =
      Pattern.compile(
          "(?i)(main|event-probe|surefire.*|.*\\| (probe-.*|producer-[0-9]+|adminclient-[0-9]+))");

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @Test
  void runnerCpuPerRequest() throws Exception {
    try (EventProbe probe = new EventProbe(bootstrap, Topics.STATUS)) {
      String promise = "cpubench";
      probe.publish(
          Topics.PROMISES,
          INTAKE.event(
              EventType.PROMISE_APPLIED,
              promise,
              new PromiseApplied(promise, 1, promise(promise))));
      probe.await(EventType.WORKFLOW_COMPLETED.type(), promise, Duration.ofSeconds(60));

      drive(probe, promise, "warm", WARM_UP);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      Map<Long, Long> before = cpu(threads);
      long t0 = System.nanoTime();
      drive(probe, promise, "run", REQUESTS);
      long wall = System.nanoTime() - t0;
      Map<Long, Long> after = cpu(threads);

      Map<String, Long> byGroup = new HashMap<>();
      Map<String, Long> byThread = new HashMap<>();
      for (ThreadInfo info :
          threads.getThreadInfo(after.keySet().stream().mapToLong(l -> l).toArray())) {
        if (info == null) {
          continue;
        }
        long delta = after.get(info.getThreadId()) - before.getOrDefault(info.getThreadId(), 0L);
        String name = info.getThreadName();
        String group =
            BROKER.matcher(name).matches()
                ? "broker"
                : HARNESS.matcher(name).matches() ? "harness" : "runner";
        byGroup.merge(group, delta, Long::sum);
        byThread.merge(group + " " + name.replaceAll("[0-9]+", "N"), delta, Long::sum);
      }
      List<Map.Entry<String, Long>> top = new ArrayList<>(byThread.entrySet());
      top.sort(Map.Entry.<String, Long>comparingByValue().reversed());
      for (Map.Entry<String, Long> e : top.subList(0, Math.min(30, top.size()))) {
        System.out.printf("BENCHMARK-THREAD %-90s %8.1f ms%n", e.getKey(), e.getValue() / 1e6);
      }
      System.out.printf(
          "BENCHMARK runner CPU %.2f ms per request (broker %.2f, harness %.2f), %d requests of one"
              + " silent one-container pipeline in %.1f s (%.1f requests/s)%n",
          byGroup.getOrDefault("runner", 0L) / 1e6 / REQUESTS,
          byGroup.getOrDefault("broker", 0L) / 1e6 / REQUESTS,
          byGroup.getOrDefault("harness", 0L) / 1e6 / REQUESTS,
          REQUESTS,
          wall / 1e9,
          REQUESTS / (wall / 1e9));
      assertThat(byGroup.get("runner")).isPositive();
    }
  }

  /** Publishes {@code count} requests and waits until the runner committed every one. */
  private void drive(EventProbe probe, String promise, String prefix, int count) throws Exception {
    List<io.pledge.contract.event.CloudEvent> requests = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ResourceKey key = new ResourceKey("bench", promise, prefix + "-" + i);
      requests.add(
          INTAKE.event(
              EventType.REQUEST_APPLIED,
              key.toString(),
              new RequestApplied(
                  key,
                  1,
                  "hash",
                  KratixDocuments.readAll(
                          """
                          apiVersion: test.pledge.io/v1
                          kind: Database
                          metadata: {name: %s, namespace: bench, generation: 1}
                          spec: {size: small}
                          """
                              .formatted(key.name()))
                      .get(0))));
    }
    probe.publishAll(Topics.REQUESTS, requests);
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(200))
        .until(this::allCommitted);
  }

  private boolean allCommitted() throws Exception {
    try (Admin admin = EmbeddedKafka.shared().admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets("pledge-pipeline-runner")
              .partitionsToOffsetAndMetadata()
              .get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < 4; p++) {
        latest.put(new TopicPartition(Topics.REQUESTS, p), OffsetSpec.latest());
      }
      var ends = admin.listOffsets(latest).all().get();
      for (var e : ends.entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        if (e.getValue().offset() > 0 && (c == null || c.offset() < e.getValue().offset())) {
          return false;
        }
      }
      return true;
    }
  }

  private static Map<Long, Long> cpu(ThreadMXBean threads) {
    Map<Long, Long> times = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      long t = threads.getThreadCpuTime(id);
      if (t >= 0) {
        times.put(id, t);
      }
    }
    return times;
  }

  private static com.fasterxml.jackson.databind.JsonNode promise(String name) {
    return KratixDocuments.readAll(
            """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Promise
            metadata: {name: %s, generation: 1}
            spec:
              destinationSelectors: [{matchLabels: {environment: dev}}]
              api:
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: databases.test.pledge.io}
                spec:
                  group: test.pledge.io
                  scope: Namespaced
                  names: {kind: Database, plural: databases}
                  versions: [{name: v1, served: true, storage: true}]
              workflows:
                resource:
                  configure:
                    - apiVersion: platform.kratix.io/v1alpha1
                      kind: Pipeline
                      metadata: {name: instance-configure}
                      spec:
                        containers: [{name: configure, image: "%s"}]
            """
                .formatted(name, StageImagesResource.SILENT_IMAGE))
        .get(0);
  }
}
