package io.pledge.runner.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReconcileScheduleTest {

  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

  private static ResourceIndex.Entry ran(String key, Duration ago) {
    return new ResourceIndex.Entry(ResourceKey.parse(key), 1, null, "t", NOW.minus(ago));
  }

  private static JsonNode promise(String interval) {
    return Pipelines.yaml(
        interval == null
            ? "kind: Promise\nspec: {}\n"
            : "kind: Promise\nspec: {workflows: {config: {reconciliationInterval: "
                + interval
                + "}}}\n");
  }

  @Test
  void aResourceIsDueWhenItsLastRunIsOlderThanItsPromisesInterval() {
    Map<String, JsonNode> promises =
        Map.of("fast", promise("30m"), "default", promise(null), "tiny", promise("5s"));

    List<ResourceIndex.Entry> due =
        ReconcileSchedule.due(
            List.of(
                ran("ns/fast/a", Duration.ofMinutes(31)),
                ran("ns/fast/b", Duration.ofMinutes(29)),
                ran("ns/default/c", Duration.ofHours(9)),
                ran("ns/default/d", Duration.ofHours(10)),
                ran("ns/tiny/e", Duration.ofSeconds(30)),
                ran("ns/tiny/f", Duration.ofSeconds(61)),
                ran("ns/unknown/g", Duration.ofDays(3))),
            name -> Optional.ofNullable(promises.get(name)),
            Duration.ofHours(10),
            NOW);

    assertThat(due).extracting(e -> e.key().name()).containsExactlyInAnyOrder("a", "d", "f");
  }

  @Test
  void anIntervalIsNeverShorterThanAMinuteAndAnUnreadableOneKeepsTheDefault() {
    assertThat(ReconcileSchedule.interval(promise("1s"), Duration.ofHours(10)))
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(ReconcileSchedule.interval(promise("soon"), Duration.ofHours(10)))
        .isEqualTo(Duration.ofHours(10));
    assertThat(ReconcileSchedule.interval(promise("2h"), Duration.ofHours(10)))
        .isEqualTo(Duration.ofHours(2));
  }

  @Test
  void theIndexKeepsTheNewerOfTwoRunsOfAKey() {
    ResourceIndex index = new ResourceIndex();
    ResourceIndex.Entry newer = ran("ns/p/a", Duration.ofMinutes(1));
    index.loaded(newer);
    index.loaded(ran("ns/p/a", Duration.ofMinutes(5)));
    index.loaded(ran("ns/q/b", Duration.ofMinutes(5)));

    assertThat(index.get(ResourceKey.parse("ns/p/a"))).contains(newer);
    assertThat(index.ofPromise("p")).containsExactly(newer);
    index.removed(ResourceKey.parse("ns/p/a"));
    assertThat(index.ofPromise("p")).isEmpty();
  }
}
