package io.pledge.intake.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.pipeline.PipelineLog;
import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.intake.logs.LogStore.Filter;
import io.pledge.intake.logs.LogStore.Run;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogStoreTest {

  private static final String KEY = "default/postgresql/example";
  private static final Instant T = Instant.parse("2026-11-01T10:00:00Z");

  private static PipelineLog log(long generation, String pipeline, String container, String out) {
    return new PipelineLog(
        new WorkflowRef(KEY, "resource", "configure", generation),
        pipeline,
        container,
        out,
        "",
        0,
        false);
  }

  @Test
  void groupsContainersOfOneWorkflowRunIntoOneRun() {
    LogStore store = new LogStore(10, 1_000_000, 10_000_000);
    store.add(KEY, T, log(1, "a", "c1", "one"));
    store.add(KEY, T, log(1, "a", "c2", "two"));
    store.add(KEY, T, log(1, "b", "c1", "three"));

    List<Run> runs = store.runs(KEY, Filter.ALL);
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).entries())
        .extracting(LogStore.Entry::stdout)
        .containsExactly("one", "two", "three");
  }

  @Test
  void aRepeatedContainerOrANewGenerationStartsANewRun() {
    LogStore store = new LogStore(10, 1_000_000, 10_000_000);
    store.add(KEY, T, log(1, "a", "c1", "first"));
    store.add(KEY, T, log(1, "a", "c1", "manual re-run"));
    store.add(KEY, T, log(2, "a", "c1", "new spec"));

    assertThat(store.runs(KEY, Filter.ALL)).extracting(Run::generation).containsExactly(1L, 1L, 2L);
  }

  @Test
  void keepsOnlyTheLastRunsPerKey() {
    LogStore store = new LogStore(2, 1_000_000, 10_000_000);
    for (long g = 1; g <= 5; g++) {
      store.add(KEY, T, log(g, "a", "c", "g" + g));
    }
    assertThat(store.runs(KEY, Filter.ALL)).extracting(Run::generation).containsExactly(4L, 5L);
  }

  @Test
  void dropsTheOldestRunsWhenAKeyIsOverItsBytes() {
    LogStore store = new LogStore(100, 1_000, 10_000_000);
    for (long g = 1; g <= 10; g++) {
      store.add(KEY, T, log(g, "a", "c", "x".repeat(300)));
    }
    List<Run> runs = store.runs(KEY, Filter.ALL);
    assertThat(runs.size()).isBetween(1, 3);
    assertThat(runs.get(runs.size() - 1).generation()).isEqualTo(10);
    assertThat(store.totalBytes()).isLessThanOrEqualTo(1_000);
  }

  @Test
  void cutsOneHugeOutputToItsTail() {
    LogStore store = new LogStore(10, 500, 10_000_000);
    store.add(KEY, T, log(1, "a", "c", "head" + "x".repeat(5_000) + "tail"));

    LogStore.Entry entry = store.runs(KEY, Filter.ALL).get(0).entries().get(0);
    assertThat(entry.truncated()).isTrue();
    assertThat(entry.stdout()).endsWith("tail").doesNotStartWith("head");
    assertThat(store.totalBytes()).isLessThanOrEqualTo(500);
  }

  @Test
  void evictsTheLeastRecentlyWrittenKeyWhenOverTheTotal() {
    LogStore store = new LogStore(10, 1_000, 2_000);
    store.add("k1", T, log(1, "a", "c", "x".repeat(800)));
    store.add("k2", T, log(1, "a", "c", "x".repeat(800)));
    store.add("k1", T, log(2, "a", "c", "y")); // k1 written last
    store.add("k3", T, log(1, "a", "c", "x".repeat(800)));

    assertThat(store.has("k2")).isFalse();
    assertThat(store.has("k1")).isTrue();
    assertThat(store.has("k3")).isTrue();
    assertThat(store.totalBytes()).isLessThanOrEqualTo(2_000);
  }

  @Test
  void filtersByPipelineGenerationAndLastRuns() {
    LogStore store = new LogStore(10, 1_000_000, 10_000_000);
    store.add(KEY, T, log(1, "a", "c", "1a"));
    store.add(KEY, T, log(1, "b", "c", "1b"));
    store.add(KEY, T, log(2, "a", "c", "2a"));
    store.add(KEY, T, log(2, "b", "c", "2b"));

    Filter pipelineB =
        new Filter(
            Optional.of("b"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    assertThat(store.runs(KEY, pipelineB))
        .flatExtracting(Run::entries)
        .extracting(LogStore.Entry::stdout)
        .containsExactly("1b", "2b");
    Filter generation1 =
        new Filter(
            Optional.empty(),
            Optional.empty(),
            Optional.of(1L),
            Optional.empty(),
            Optional.empty());
    assertThat(store.runs(KEY, generation1))
        .flatExtracting(Run::entries)
        .extracting(LogStore.Entry::stdout)
        .containsExactly("1a", "1b");
    Filter last =
        new Filter(
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(1));
    assertThat(store.runs(KEY, last)).extracting(Run::generation).containsExactly(2L);
  }

  @Test
  void rendersHeadersThenStdoutThenStderr() {
    LogStore store = new LogStore(10, 1_000_000, 10_000_000);
    store.add(
        KEY,
        T,
        new PipelineLog(
            new WorkflowRef(KEY, "resource", "configure", 3),
            "instance-configure",
            "create",
            "made it\n",
            "warning: x",
            0,
            false));

    assertThat(LogRenderer.text(store.runs(KEY, Filter.ALL)))
        .isEqualTo(
            """
            ==> resource configure, generation 3, pipeline instance-configure, container create\
             (exit 0) <==
            made it
            --- stderr
            warning: x
            """);
  }
}
