package io.pledge.intake.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.destination.DestinationDeleted;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.contract.promise.PromiseDeleted;
import io.pledge.contract.request.ReconcileRequested;
import io.pledge.contract.request.RequestAccepted;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.request.RequestDeleted;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.contract.work.WorkRemoved;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IntakeViewTest {

  private static final EventCodec CODEC = new EventCodec("/pledge/request-intake");
  private static final ResourceKey KEY = new ResourceKey("default", "postgresql", "example");
  private final IntakeView view = new IntakeView(true);

  static JsonNode resource(long generation) {
    return KratixDocuments.readAll(
            """
            apiVersion: workshop.kratix.io/v1
            kind: postgresql
            metadata: {name: example, namespace: default, generation: %d}
            spec: {requester: ana}
            """
                .formatted(generation))
        .get(0);
  }

  private static CloudEvent applied(long generation, String specHash) {
    return CODEC.event(
        EventType.REQUEST_APPLIED,
        KEY.toString(),
        new RequestApplied(KEY, generation, specHash, resource(generation)));
  }

  /** The owner's record of {@code KEY} after {@code events}, read at the given offsets. */
  private static ResourceRecord folded(long requestsOffset, CloudEvent... events) {
    ResourceRecord r = null;
    for (CloudEvent e : events) {
      r = ResourceFold.apply(r, KEY.toString(), e);
    }
    return r.withSourceOffset("pledge.requests", requestsOffset);
  }

  @Test
  void keepsAnOwnEventOnTopOfOlderFoldedRecordsUntilOneCoversItsOffset() {
    CloudEvent first = applied(1, "h1");
    CloudEvent second = applied(2, "h2");
    view.applyFolded(folded(10, first));

    view.expectOwn(second);
    view.applyOwn(second, "pledge.requests", 11);
    assertThat(view.lastGeneration(KEY)).isEqualTo(2);

    // A record the owner wrote before it read our event: the own event stays on top of it.
    view.applyFolded(folded(10, first).withSourceOffset("pledge.status", 99));
    assertThat(view.request(KEY).orElseThrow().specHash()).isEqualTo("h2");
    assertThat(view.pendingOwnEvents(KEY.toString())).isEqualTo(1);

    // The record that covers it: nothing pending, the folded record is the view.
    view.applyFolded(folded(11, first, second));
    assertThat(view.pendingOwnEvents(KEY.toString())).isZero();
    assertThat(view.request(KEY).orElseThrow().specHash()).isEqualTo("h2");
  }

  @Test
  void aMetadataChangeAtTheSameGenerationIsNotUndoneByAnOlderRecord() {
    // Same generation, a new spec hash: comparing generations could not tell the records apart.
    CloudEvent first = applied(1, "h1");
    CloudEvent relabelled = applied(1, "h1-relabelled");
    view.applyFolded(folded(10, first));

    view.applyOwn(relabelled, "pledge.requests", 11);
    view.applyFolded(folded(10, first).withSourceOffset("pledge.status", 5));

    assertThat(view.request(KEY).orElseThrow().specHash()).isEqualTo("h1-relabelled");
  }

  @Test
  void anOwnEventTheOwnerFoldedAlreadyIsNotKeptPending() {
    CloudEvent first = applied(1, "h1");
    view.applyFolded(folded(10, first));

    view.applyOwn(first, "pledge.requests", 10);

    assertThat(view.pendingOwnEvents(KEY.toString())).isZero();
    assertThat(view.request(KEY).orElseThrow().generation()).isEqualTo(1);
  }

  @Test
  void tellsListenersOfEveryChangeOfAKey() {
    List<String> seen = new ArrayList<>();
    view.addListener(seen::add);

    view.applyOwn(applied(1, "h1"), "pledge.requests", 3);
    view.applyFolded(folded(3, applied(1, "h1")));
    view.foldedTombstone(KEY.toString());

    assertThat(seen).containsExactly(KEY.toString(), KEY.toString(), KEY.toString());
    assertThat(view.request(KEY)).isEmpty();
  }

  @Test
  void aReconcileIsNotPartOfTheView() {
    CloudEvent reconcile =
        CODEC.event(
            EventType.RECONCILE_REQUESTED,
            KEY.toString(),
            new ReconcileRequested(KEY, 1, "manual", resource(1)));

    view.expectOwn(reconcile);
    view.applyOwn(reconcile, "pledge.requests", 4);

    assertThat(view.pendingOwnEvents(KEY.toString())).isZero();
    assertThat(view.request(KEY)).isEmpty();
  }

  @Test
  void knowsTheLastGenerationFromRequestsAndStatus() {
    view.applyReplayed(
        CODEC.event(
            EventType.REQUEST_APPLIED,
            KEY.toString(),
            new RequestApplied(KEY, 1, "h1", resource(1))));
    view.applyReplayed(
        CODEC.event(
            EventType.REQUEST_ACCEPTED,
            KEY.toString(),
            new RequestAccepted(KEY, 3, "h3", "apply", null)));

    assertThat(view.lastGeneration(KEY)).isEqualTo(3);
    assertThat(view.request(KEY).orElseThrow().generation()).isEqualTo(1);
  }

  @Test
  void aDeletedResourceStaysVisibleUntilItsWorksAreRemoved() {
    view.applyReplayed(
        CODEC.event(
            EventType.REQUEST_APPLIED,
            KEY.toString(),
            new RequestApplied(KEY, 1, "h", resource(1))));
    view.applyReplayed(
        CODEC.event(
            EventType.REQUEST_ACCEPTED,
            KEY.toString(),
            new RequestAccepted(KEY, 1, "h", "delete", null)));
    view.applyReplayed(
        CODEC.event(
            EventType.REQUEST_DELETED, KEY.toString(), new RequestDeleted(KEY, 1, resource(1))));

    assertThat(view.exists(KEY)).isTrue();

    view.applyReplayed(
        CODEC.event(
            EventType.WORK_REMOVED, KEY.toString(), new WorkRemoved(KEY.toString(), 1, List.of())));

    assertThat(view.exists(KEY)).isFalse();
  }

  @Test
  void ignoresOlderRequestsReadAfterNewerOnes() {
    view.applyReplayed(
        CODEC.event(
            EventType.REQUEST_APPLIED,
            KEY.toString(),
            new RequestApplied(KEY, 2, "h2", resource(2))));
    view.applyReplayed(
        CODEC.event(
            EventType.REQUEST_APPLIED,
            KEY.toString(),
            new RequestApplied(KEY, 1, "h1", resource(1))));

    assertThat(view.request(KEY).orElseThrow().specHash()).isEqualTo("h2");
  }

  @Test
  void forgetsADeletedPromiseButKeepsItsGenerationForARecreatedOne() {
    JsonNode promise =
        KratixDocuments.readAll(
                """
                apiVersion: platform.kratix.io/v1alpha1
                kind: Promise
                metadata: {name: gone, generation: 3}
                spec: {}
                """)
            .get(0);
    view.applyReplayed(
        CODEC.event(EventType.PROMISE_APPLIED, "gone", new PromiseApplied("gone", 3, promise)));
    assertThat(view.promise("gone")).isPresent();

    view.applyReplayed(CODEC.event(EventType.PROMISE_DELETED, "gone", new PromiseDeleted("gone")));

    assertThat(view.promise("gone")).isEmpty();
    assertThat(view.promises()).isEmpty();
    assertThat(view.deletedPromiseGeneration("gone")).isEqualTo(3);
  }

  @Test
  void forgetsADeletedDestinationOrStateStore() {
    JsonNode store =
        KratixDocuments.readAll(
                """
                apiVersion: platform.kratix.io/v1alpha1
                kind: GitStateStore
                metadata: {name: s}
                spec: {url: file:///tmp/s.git}
                """)
            .get(0);
    String key = DestinationApplied.key("GitStateStore", "s");
    view.applyReplayed(
        CODEC.event(
            EventType.DESTINATION_APPLIED,
            key,
            new DestinationApplied("GitStateStore", "s", store)));
    assertThat(view.destination(key)).isPresent();

    view.applyReplayed(
        CODEC.event(
            EventType.DESTINATION_DELETED, key, new DestinationDeleted("GitStateStore", "s")));

    assertThat(view.destination(key)).isEmpty();
    assertThat(view.destinations()).isEmpty();
  }

  @Test
  void ignoresEventTypesItDoesNotKnow() {
    CloudEvent unknown =
        new CloudEvent(
            "1.0",
            "x",
            "/elsewhere",
            "com.example.other",
            KEY.toString(),
            null,
            null,
            null,
            null,
            null);

    view.applyReplayed(unknown);

    assertThat(view.status(KEY.toString())).isEmpty();
  }
}
