package io.pledge.intake.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.request.RequestDeleted;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.contract.status.StatusFold;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceFoldTest {

  static final String KEY = GoldenEvents.KEY;

  @Test
  void foldsStatusEventsAsStatusFoldDoes() {
    List<CloudEvent> life = GoldenEvents.statusLife();

    ResourceRecord record = foldAll(life);

    assertThat(record.key()).isEqualTo(KEY);
    assertThat(record.status()).isEqualTo(StatusFold.foldAll(KEY, life));
    assertThat(record.request()).isNull();
  }

  @Test
  void anOlderApplyDoesNotReplaceANewerRequest() {
    CloudEvent applied = GoldenEvents.read("pledge.request.applied");
    RequestApplied r = EventCodec.data(applied, RequestApplied.class);
    CloudEvent newer =
        event(applied, new RequestApplied(r.key(), r.generation() + 1, "newer", r.resource()));

    ResourceRecord record = foldAll(List.of(newer, applied));

    assertThat(record.request().generation()).isEqualTo(r.generation() + 1);
    assertThat(record.request().specHash()).isEqualTo("newer");
    assertThat(record.request().metaHash()).isEqualTo(Hashes.meta(r.resource()));
  }

  @Test
  void aDeleteMarksTheRequestDeletedAndKeepsItsDocument() {
    CloudEvent applied = GoldenEvents.read("pledge.request.applied");
    RequestApplied r = EventCodec.data(applied, RequestApplied.class);
    CloudEvent delete =
        event(
            GoldenEvents.read("pledge.request.deleted"),
            new RequestDeleted(r.key(), r.generation() + 1, r.resource()));

    ResourceRecord record = foldAll(List.of(applied, delete));

    assertThat(record.request().deleted()).isTrue();
    assertThat(record.request().generation()).isEqualTo(r.generation() + 1);
    assertThat(record.request().document()).isEqualTo(r.resource());
    assertThat(record.request().specHash()).isEqualTo(r.specHash());
  }

  @Test
  void anEventThatChangesNothingGivesTheSameRecord() {
    ResourceRecord record = foldAll(List.of(GoldenEvents.read("pledge.request.applied")));

    assertThat(ResourceFold.apply(record, KEY, GoldenEvents.read("pledge.request.applied")))
        .isSameAs(record);
    assertThat(ResourceFold.apply(record, KEY, GoldenEvents.read("pledge.request.reconcile")))
        .isSameAs(record);
    assertThat(ResourceFold.keyOf(GoldenEvents.read("pledge.request.reconcile"))).isEmpty();
    assertThat(ResourceFold.keyOf(GoldenEvents.read("pledge.pipeline.log"))).isEmpty();
  }

  @Test
  void remembersTheGenerationFirstReconciled() {
    ResourceRecord record =
        foldAll(
            List.of(
                GoldenEvents.read("pledge.request.accepted"),
                GoldenEvents.read("pledge.pipeline.started"),
                GoldenEvents.read("pledge.pipeline.succeeded"),
                GoldenEvents.read("pledge.workflow.completed"),
                GoldenEvents.read("pledge.work.scheduled"),
                GoldenEvents.read("pledge.work.committed")));

    assertThat(record.status().isReconciled()).isTrue();
    assertThat(record.firstReconciledGeneration()).isEqualTo(record.status().generation());
  }

  static ResourceRecord foldAll(List<CloudEvent> events) {
    ResourceRecord record = null;
    for (CloudEvent e : events) {
      String key = ResourceFold.keyOf(e).orElseThrow();
      record = ResourceFold.apply(record, key, e);
    }
    return record;
  }

  private static CloudEvent event(CloudEvent like, Object data) {
    return new CloudEvent(
        like.specversion(),
        like.id() + "-2",
        like.source(),
        like.type(),
        like.subject(),
        like.time(),
        like.datacontenttype(),
        like.dataschema(),
        null,
        EventCodec.JSON.valueToTree(data));
  }
}
