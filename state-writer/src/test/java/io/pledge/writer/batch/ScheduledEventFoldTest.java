package io.pledge.writer.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.contract.status.StatusFold;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Why the writer may leave out {@code pledge.work.scheduled} when {@code pledge.work.committed}
 * follows (and when it may not): the contract's {@link StatusFold} over the contract's golden
 * samples, with and without the scheduled event, must give the very same {@link ResourceStatus}.
 */
class ScheduledEventFoldTest {

  static final Path GOLDEN = Path.of("../contract/src/test/resources/golden");
  static final String KEY = "default/postgresql/example";

  private Instant clock = Instant.parse("2026-11-21T10:00:00Z");

  @Test
  void aFirstCommitFoldsTheSameWithoutItsSchedule() throws IOException {
    List<CloudEvent> run =
        List.of(
            golden("pledge.request.accepted", d -> {}),
            golden("pledge.pipeline.started", d -> {}),
            golden("pledge.pipeline.succeeded", d -> {}),
            golden("pledge.workflow.completed", d -> {}));

    assertSameStatus(run, List.of());
  }

  @Test
  void aCommitBeforeTheWorkflowsCompletionFoldsTheSameWithoutItsSchedule() throws IOException {
    List<CloudEvent> run =
        List.of(
            golden("pledge.request.accepted", d -> {}),
            golden("pledge.pipeline.started", d -> {}),
            golden("pledge.pipeline.succeeded", d -> {}));

    // The runner's workflow.completed may land after the writer's events.
    assertSameStatus(run, List.of(golden("pledge.workflow.completed", d -> {})));
  }

  @Test
  void anUpdateFoldsTheSameWithoutItsSchedule() throws IOException {
    List<CloudEvent> run = new ArrayList<>();
    run.add(golden("pledge.request.accepted", d -> {}));
    run.add(golden("pledge.workflow.completed", d -> {}));
    run.add(golden("pledge.work.committed", d -> {}));
    run.add(golden("pledge.request.accepted", d -> d.put("generation", 2)));
    run.add(golden("pledge.workflow.completed", d -> generation(d, 2)));

    assertSameStatus(run, List.of(), 2);
  }

  @Test
  void anUpdateAfterAFailedGenerationFoldsTheSameWithoutItsSchedule() throws IOException {
    List<CloudEvent> run = new ArrayList<>();
    run.add(golden("pledge.request.accepted", d -> {}));
    run.add(golden("pledge.workflow.completed", d -> {}));
    run.add(golden("pledge.work.scheduled", d -> {}));
    run.add(golden("pledge.work.failed", d -> {}));
    run.add(golden("pledge.request.accepted", d -> d.put("generation", 2)));
    run.add(golden("pledge.workflow.completed", d -> generation(d, 2)));

    assertSameStatus(run, List.of(), 2);
  }

  /**
   * The case the writer must not shorten: this Work's generation is failed in the status (its write
   * failed; a redo after a crash or rebalance) while another pipeline's Work is pending. The
   * schedule moves WorksSucceeded from WorksFailing to WorksPending, and the commit leaves it
   * there: without the schedule the transition time would be the commit's. So the writer keeps
   * {@code work.scheduled} for a Work remembered as failed and for a generation planned before.
   */
  @Test
  void aCommitAfterAFailureOfTheSameGenerationNeedsItsSchedule() throws IOException {
    List<CloudEvent> run = new ArrayList<>();
    run.add(golden("pledge.request.accepted", d -> {}));
    run.add(
        golden(
            "pledge.workflow.completed",
            d -> d.putArray("works").add("instance-configure").add("backup")));
    run.add(golden("pledge.work.scheduled", d -> {}));
    run.add(golden("pledge.work.failed", d -> {}));

    List<CloudEvent> withSchedule = new ArrayList<>(run);
    withSchedule.add(golden("pledge.work.scheduled", d -> {}));
    withSchedule.add(golden("pledge.work.committed", d -> {}));
    List<CloudEvent> without = new ArrayList<>(run);
    without.add(withSchedule.get(withSchedule.size() - 1));

    assertThat(StatusFold.foldAll(KEY, without))
        .isNotEqualTo(StatusFold.foldAll(KEY, withSchedule));
  }

  private void assertSameStatus(List<CloudEvent> before, List<CloudEvent> after)
      throws IOException {
    assertSameStatus(before, after, 1);
  }

  /** before + [scheduled] + committed + after, folded with and without the scheduled event. */
  private void assertSameStatus(List<CloudEvent> before, List<CloudEvent> after, int generation)
      throws IOException {
    CloudEvent scheduled = golden("pledge.work.scheduled", d -> d.put("generation", generation));
    CloudEvent committed = golden("pledge.work.committed", d -> d.put("generation", generation));
    List<CloudEvent> today = new ArrayList<>(before);
    today.add(scheduled);
    today.add(committed);
    today.addAll(after);
    List<CloudEvent> now = new ArrayList<>(before);
    now.add(committed);
    now.addAll(after);

    ResourceStatus expected = StatusFold.foldAll(KEY, today);
    assertThat(StatusFold.foldAll(KEY, now)).isEqualTo(expected);
    assertThat(expected.isReconciled()).isTrue();
  }

  private static void generation(ObjectNode data, long generation) {
    ((ObjectNode) data.get("workflow")).put("generation", generation);
  }

  /** A golden sample, its data edited, stamped one millisecond after the previous event. */
  private CloudEvent golden(String type, Consumer<ObjectNode> edit) throws IOException {
    ObjectNode event =
        (ObjectNode) EventCodec.JSON.readTree(Files.readString(GOLDEN.resolve(type + ".json")));
    edit.accept((ObjectNode) event.get("data"));
    clock = clock.plusMillis(1);
    event.put("time", clock.toString());
    return EventCodec.read(EventCodec.JSON.writeValueAsString(event));
  }
}
