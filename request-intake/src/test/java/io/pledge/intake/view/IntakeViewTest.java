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
import io.pledge.contract.pipeline.PipelineStarted;
import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.contract.promise.PromiseDeleted;
import io.pledge.contract.request.RequestAccepted;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.request.RequestDeleted;
import io.pledge.contract.status.ResourceStatus;
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

  @Test
  void appliesAnOwnEventOnceWhicheverPathSeesItFirst() {
    CloudEvent accepted =
        CODEC.event(
            EventType.REQUEST_ACCEPTED,
            KEY.toString(),
            new RequestAccepted(KEY, 1, "h", "apply", null));
    CloudEvent started =
        CODEC.event(
            EventType.PIPELINE_STARTED,
            KEY.toString(),
            new PipelineStarted(
                new WorkflowRef(KEY.toString(), "resource", "configure", 1), "p", 0, 1, 1));
    List<ResourceStatus> seen = new ArrayList<>();
    view.addListener(k -> view.status(k).ifPresent(seen::add));

    view.expectOwn(accepted);
    view.applyReplayed(accepted); // the replay read it back before the publisher returned
    view.applyReplayed(started);
    view.applyOwn(accepted);

    assertThat(seen).hasSize(2);
    assertThat(view.status(KEY.toString()).orElseThrow().pipelines())
        .extracting(p -> p.phase())
        .containsExactly("Running");
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
