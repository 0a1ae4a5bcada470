package io.pledge.writer.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.testkit.otel.RecordingSpans;
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.git.GitStateStore;
import io.pledge.writer.git.GitStateStores;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.store.StoreHealth;
import io.pledge.writer.stores.StateStores;
import io.pledge.writer.telemetry.WriterTelemetry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer continues each Work's trace, and measures its writes. */
class CommitBatcherTelemetryTest {

  static final String DOT = "5058f1af8388633f609cadb75a75dc9d";
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String PARENT = "00f067aa0ba902b7";
  static final String STORE = "GitStateStore/default";

  @TempDir Path tmp;
  RecordingSpans spans = new RecordingSpans();
  SimpleMeterRegistry meters = new SimpleMeterRegistry();
  StoreHealth health = new StoreHealth();
  DestinationTable destinations = new DestinationTable();
  PlacementTable placements = new PlacementTable();
  List<String> eventTraces = new ArrayList<>();
  StateStores stores;
  CommitBatcher batcher;

  @BeforeEach
  void setUp() {
    Path repo = GitFixtures.bareRepository(tmp.resolve("state.git"), "main");
    WriterTelemetry telemetry = new WriterTelemetry(spans.openTelemetry(), meters, health);
    stores =
        new StateStores(
            new GitStateStores(
                tmp.resolve("work"),
                tmp.resolve("secrets"),
                3,
                Duration.ZERO,
                GitStateStore.DEFAULT_STALE_LOCK_AGE,
                telemetry),
            tmp.resolve("secrets"));
    RecordingOutbox recording = new RecordingOutbox(placements);
    Outbox outbox =
        new Outbox() {
          @Override
          public void status(EventType type, String subject, Object data) {
            eventTraces.add(type + " " + Span.current().getSpanContext().getTraceId());
            recording.status(type, subject, data);
          }

          @Override
          public void placement(String key, String value) {
            recording.placement(key, value);
          }

          @Override
          public void components(io.pledge.contract.work.ComponentSet set) {
            recording.components(set);
          }

          @Override
          public void deadLetter(ConsumerRecord<String, String> record, String reason) {
            recording.deadLetter(record, reason);
          }

          @Override
          public void flush() {
            recording.flush();
          }
        };
    batcher =
        new CommitBatcher(
            destinations,
            placements,
            stores,
            outbox,
            Duration.ofMillis(1),
            Duration.ofMillis(4),
            telemetry);
    apply(
        "GitStateStore",
        "default",
        "apiVersion: platform.kratix.io/v1alpha1\nkind: GitStateStore\nmetadata: {name: default}\n"
            + "spec: {url: '"
            + repo.toUri()
            + "', branch: main}\n");
    apply(
        "Destination",
        "worker-1",
        "apiVersion: platform.kratix.io/v1alpha1\nkind: Destination\nmetadata: {name: worker-1}\n"
            + "spec:\n  path: worker-1\n  stateStoreRef: {kind: GitStateStore, name: default}\n");
  }

  @AfterEach
  void tearDown() {
    stores.close();
  }

  @Test
  void aWorkIsTracedInItsRequestsTraceDownToTheGitPush() throws Exception {
    batcher.process(List.of(upsert("example", true)), d -> {});

    SpanData work = spans.named("work upsert");
    SpanData write = spans.named("write " + STORE);
    SpanData push = spans.named("git push");
    SpanData fetch = spans.named("git fetch");
    assertThat(work.getTraceId()).isEqualTo(TRACE);
    assertThat(work.getParentSpanId()).isEqualTo(PARENT);
    assertThat(work.getAttributes().asMap().toString()).contains("default/postgresql/example");
    assertThat(write.getTraceId()).isEqualTo(TRACE);
    assertThat(write.getParentSpanId()).isEqualTo(work.getSpanId());
    assertThat(push.getParentSpanId()).isEqualTo(write.getSpanId());
    assertThat(fetch.getParentSpanId()).isEqualTo(write.getSpanId());
    assertThat(eventTraces).containsExactly("WORK_SCHEDULED " + TRACE, "WORK_COMMITTED " + TRACE);
  }

  @Test
  void aWriteForManyWorksLinksTheOthersTraces() throws Exception {
    batcher.process(List.of(upsert("traced", true), upsert("untraced", false)), d -> {});

    SpanData write = spans.named("write " + STORE);
    assertThat(write.getTraceId()).isEqualTo(TRACE);
    assertThat(write.getLinks()).hasSize(1);
    assertThat(write.getAttributes().asMap().toString()).contains("pledge.placements=2");
  }

  @Test
  void measuresBatchSizeAndPushLatencyByStoreAndOutcome() throws Exception {
    batcher.process(List.of(upsert("one", false), upsert("two", false)), d -> {});
    batcher.process(List.of(upsert("one", false)), d -> {}); // the same files: no new commit

    assertThat(meters.get("pledge.writer.commit.batch.size").tag("store", STORE).summary().count())
        .isEqualTo(2);
    assertThat(meters.get("pledge.writer.commit.batch.size").summary().max()).isEqualTo(2);
    assertThat(
            meters
                .get("pledge.writer.push.duration")
                .tags("store", STORE, "outcome", "committed")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .get("pledge.writer.push.duration")
                .tags("store", STORE, "outcome", "unchanged")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(health.states().get(STORE).lastSuccess()).isNotNull();
    assertThat(health.failing(Instant.now(), Duration.ZERO, s -> true)).isEmpty();
  }

  private Command upsert(String name, boolean traced) {
    Work work =
        new Work(
            "default/postgresql/" + name,
            Work.RESOURCE,
            "postgresql",
            "default",
            name,
            "instance-configure",
            1,
            List.of(
                new WorkloadGroup(
                    DOT,
                    ".",
                    List.of(),
                    List.of(
                        Workload.of(
                            "postgres-instance.yaml",
                            ("name: " + name).getBytes(StandardCharsets.UTF_8))))));
    ConsumerRecord<String, String> record =
        new ConsumerRecord<>("pledge.works", 0, 0L, work.key(), "{}");
    if (traced) {
      Headers headers = record.headers();
      headers.add(
          "traceparent", ("00-" + TRACE + "-" + PARENT + "-01").getBytes(StandardCharsets.UTF_8));
    }
    return new Command.Upsert(work, record);
  }

  private void apply(String kind, String name, String yaml) {
    destinations.put(new DestinationApplied(kind, name, KratixDocuments.readAll(yaml).get(0)));
  }
}
