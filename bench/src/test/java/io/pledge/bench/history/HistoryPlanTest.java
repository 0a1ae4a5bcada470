package io.pledge.bench.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.status.Condition;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.contract.status.StatusFold;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HistoryPlanTest {

  private static final Instant T = Instant.parse("2026-12-01T00:00:00Z");

  private static ResourceStatus fold(int index) {
    List<CloudEvent> events =
        HistoryPlan.resource(index, T, 64).stream()
            .filter(r -> Topics.STATUS.equals(r.topic()))
            .map(r -> EventCodec.read(r.value()))
            .toList();
    return StatusFold.foldAll(HistoryPlan.key(index).toString(), events);
  }

  private static Condition condition(ResourceStatus s, String type) {
    return s.conditions().stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void aResourceOfOneGenerationFoldsToReconciledAtIt() {
    ResourceStatus s = fold(1);
    assertThat(s.generation()).isEqualTo(1);
    assertThat(s.observedGeneration()).isEqualTo(1);
    assertThat(condition(s, Condition.RECONCILED).status()).isEqualTo(Condition.TRUE);
    assertThat(condition(s, Condition.WORKS_SUCCEEDED).status()).isEqualTo(Condition.TRUE);
    assertThat(s.notifications()).containsKeys("reconciled/slack", "created/billing");
  }

  @Test
  void anUpdatedResourceFoldsToReconciledAtItsSecondGeneration() {
    ResourceStatus s = fold(4);
    assertThat(HistoryPlan.generations(4)).isEqualTo(2);
    assertThat(s.generation()).isEqualTo(2);
    assertThat(s.observedGeneration()).isEqualTo(2);
    assertThat(condition(s, Condition.RECONCILED).status()).isEqualTo(Condition.TRUE);
    assertThat(s.works().get(HistoryPlan.PIPELINE).generation()).isEqualTo(2);
    assertThat(s.notifications()).containsKeys("reconciled/slack", "updated/billing");
  }

  @Test
  void everyRecordIsKeyedByItsResourceAndReadableByTheServices() {
    for (HistoryPlan.Record r : HistoryPlan.resource(0, T, 0)) {
      String key = HistoryPlan.key(0).toString();
      switch (r.topic()) {
        case Topics.STATUS, Topics.REQUESTS, Topics.LOGS, Topics.RUNNER_RESOURCES ->
            assertThat(r.key()).isEqualTo(key);
        case Topics.PLACEMENTS ->
            assertThat(r.key()).startsWith("placement/" + key + "#resource#render/");
        case Topics.NOTIFICATIONS_DELIVERED -> assertThat(r.key()).startsWith(key + "#");
        default -> throw new AssertionError("unexpected topic " + r.topic());
      }
      if (!Topics.RUNNER_RESOURCES.equals(r.topic()) && !Topics.PLACEMENTS.equals(r.topic())) {
        CloudEvent e = EventCodec.read(r.value());
        assertThat(e.subject()).isEqualTo(key);
        assertThat(e.eventType()).isPresent();
        assertThat(e.eventType().get().topic()).isIn(r.topic(), Topics.STATUS);
      }
    }
  }

  @Test
  void theRunnersRecordNamesTheLastGenerationAndTheRequestDocument() throws Exception {
    List<HistoryPlan.Record> runner =
        HistoryPlan.resource(8, T, 16).stream()
            .filter(r -> Topics.RUNNER_RESOURCES.equals(r.topic()))
            .toList();
    JsonNode last = EventCodec.JSON.readTree(runner.get(runner.size() - 1).value());
    assertThat(last.path("generation").asLong()).isEqualTo(2);
    assertThat(last.path("resource").path("metadata").path("name").asText()).isEqualTo("h-000008");
    assertThat(last.path("resource").path("spec").path("payload").asText()).hasSize(16);
    assertThat(last.path("completedAt").asLong()).isGreaterThanOrEqualTo(T.toEpochMilli());
  }

  @Test
  void nResourcesMakeTheExpectedCountsAboutTenStatusEventsEach() {
    int n = 1000;
    Map<String, Long> counted = new TreeMap<>();
    Set<String> ledgerKeys = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < n; i++) {
      for (HistoryPlan.Record r : HistoryPlan.resource(i, T, 0)) {
        counted.merge(r.topic(), 1L, Long::sum);
        if (Topics.NOTIFICATIONS_DELIVERED.equals(r.topic())) {
          assertThat(ledgerKeys.add(r.key())).as("ledger key %s once", r.key()).isTrue();
        }
      }
      names.add(HistoryPlan.name(i));
    }
    assertThat(names).hasSize(n);
    assertThat(counted).isEqualTo(new TreeMap<>(HistoryPlan.expectedCounts(n)));
    assertThat(counted.get(Topics.STATUS)).isEqualTo(10L * n);
    assertThat(counted.get(Topics.REQUESTS)).isEqualTo(1250L);
    assertThat(HistoryPlan.expectedCounts(100_000).get(Topics.STATUS)).isEqualTo(1_000_000L);
  }
}
