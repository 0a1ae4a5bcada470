package io.pledge.notifier.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.status.StatusFold;
import io.pledge.contract.work.Placement;
import io.pledge.contract.work.WorkCommitted;
import io.pledge.notifier.StatusEvents;
import io.pledge.notifier.lifecycle.Lifecycle;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SlackMessageTest {

  private static final String KEY = "default/postgresql/example";
  private final StatusEvents events = new StatusEvents(KEY);

  private static LifecycleEvent event(Lifecycle lifecycle, long generation, List<CloudEvent> seq) {
    return new LifecycleEvent(
        ResourceKey.parse(KEY), generation, lifecycle, StatusFold.foldAll(KEY, seq));
  }

  @Test
  void textNamesTheResourceAndBlocksShowDestinationAndFullCommit() {
    String sha = StatusEvents.sha(1);

    JsonNode payload = SlackMessage.payload(event(Lifecycle.RECONCILED, 1, events.reconciled(1)));

    assertThat(payload.path("text").asText())
        .isEqualTo(
            "postgresql default/example is Reconciled (generation 1) — committed "
                + sha.substring(0, 7)
                + " to worker-1");
    JsonNode blocks = payload.path("blocks");
    assertThat(blocks.get(0).path("text").path("text").asText())
        .isEqualTo("*postgresql* `default/example` is *Reconciled* (generation 1)");
    assertThat(blocks.get(1).path("fields").get(0).path("text").asText())
        .isEqualTo("*worker-1*\n`" + sha + "` in GitStateStore/default");
    assertThat(blocks.get(2).path("type").asText()).isEqualTo("context");
  }

  @Test
  void failingHeadlineCarriesTheReason() {
    JsonNode payload = SlackMessage.payload(event(Lifecycle.FAILED, 1, events.failing(1)));

    assertThat(payload.path("blocks").get(0).path("text").path("text").asText())
        .isEqualTo(
            "*postgresql* `default/example` is *Failing* (generation 1)\n"
                + "pipeline instance-configure failed: exit code 1");
  }

  @Test
  void noPlacementsNoFieldsBlock() {
    JsonNode payload =
        SlackMessage.payload(event(Lifecycle.REQUESTED, 1, List.of(events.accepted(1))));

    assertThat(payload.path("blocks").size()).isEqualTo(2);
  }

  @Test
  void showsAtMostTenDestinations() {
    List<Placement> twelve =
        IntStream.range(0, 12)
            .mapToObj(
                i ->
                    new Placement(
                        "worker-" + i,
                        "g" + i,
                        "GitStateStore/default",
                        "abc" + i,
                        List.of(),
                        false))
            .toList();
    List<CloudEvent> sequence = new ArrayList<>(events.reconciled(1));
    sequence.add(
        new EventCodec("/pledge/state-writer")
            .event(
                EventType.WORK_COMMITTED,
                KEY,
                new WorkCommitted(KEY, 1, StatusEvents.PIPELINE, twelve)));

    JsonNode payload = SlackMessage.payload(event(Lifecycle.RECONCILED, 1, sequence));

    assertThat(payload.path("blocks").get(1).path("fields").size())
        .isEqualTo(SlackMessage.MAX_FIELDS);
    assertThat(payload.path("text").asText()).contains("abc11 to worker-11");
  }

  @Test
  void escapesSlackControlCharacters() {
    assertThat(SlackMessage.escape("a <b> & c")).isEqualTo("a &lt;b&gt; &amp; c");
  }
}
