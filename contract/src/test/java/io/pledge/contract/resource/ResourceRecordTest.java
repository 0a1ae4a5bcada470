package io.pledge.contract.resource;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.contract.status.StatusFold;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceRecordTest {

  /** The status events of the golden record, in the order a resource lives through them. */
  static final List<String> LIFE =
      List.of(
          "pledge.request.accepted",
          "pledge.pipeline.started",
          "pledge.pipeline.succeeded",
          "pledge.workflow.completed",
          "pledge.work.scheduled",
          "pledge.work.committed");

  @Test
  void goldenRecordCarriesTheStatusTheFoldComputesFromTheGoldenEvents() throws IOException {
    List<CloudEvent> events = new ArrayList<>();
    for (String type : LIFE) {
      events.add(EventCodec.read(golden(type)));
    }
    ResourceRecord golden =
        EventCodec.data(EventCodec.read(golden("pledge.resource.folded")), ResourceRecord.class);

    assertThat(golden.status()).isEqualTo(StatusFold.foldAll(golden.key(), events));
    assertThat(golden.firstReconciledGeneration()).isEqualTo(1);
  }

  @Test
  void remembersTheFirstReconciledGenerationOnly() throws IOException {
    ResourceRecord golden =
        EventCodec.data(EventCodec.read(golden("pledge.resource.folded")), ResourceRecord.class);
    ResourceStatus reconciled = golden.status();

    ResourceRecord fresh = ResourceRecord.empty(golden.key());
    assertThat(fresh.withStatus(ResourceStatus.empty(golden.key())).firstReconciledGeneration())
        .isZero();
    assertThat(fresh.withStatus(reconciled).firstReconciledGeneration())
        .isEqualTo(reconciled.generation());
    assertThat(
            new ResourceRecord(golden.key(), null, null, 7, null)
                .withStatus(reconciled)
                .firstReconciledGeneration())
        .isEqualTo(7);
  }

  @Test
  void coversTheEventsUpToItsSourceOffsetPerTopic() throws IOException {
    ResourceRecord golden =
        EventCodec.data(EventCodec.read(golden("pledge.resource.folded")), ResourceRecord.class);

    assertThat(golden.covers("pledge.requests", 41)).isTrue();
    assertThat(golden.covers("pledge.requests", 42)).isFalse();
    assertThat(golden.covers("pledge.status", 300)).isTrue();
    assertThat(golden.covers("pledge.logs", 0)).as("a topic never folded in").isFalse();
    assertThat(ResourceRecord.empty("k").covers("pledge.status", 0)).isFalse();
    ResourceRecord moved = golden.withSourceOffset("pledge.requests", 50);
    assertThat(moved.covers("pledge.requests", 50)).isTrue();
    assertThat(moved.covers("pledge.status", 317)).as("other topics keep theirs").isTrue();
    assertThat(golden.covers("pledge.requests", 50)).as("the original is unchanged").isFalse();
  }

  private static String golden(String type) throws IOException {
    try (InputStream in =
        ResourceRecordTest.class.getResourceAsStream("/golden/" + type + ".json")) {
      assertThat(in).as("golden sample %s", type).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
