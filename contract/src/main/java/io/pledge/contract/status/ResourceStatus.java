package io.pledge.contract.status;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.notification.NotificationDelivered;
import io.pledge.contract.request.Problem;
import io.pledge.contract.work.Placement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The status of a resource request (or a Promise), as folded from its status events by {@link
 * StatusFold}. Immutable.
 *
 * @param key the resource key, or the Promise name
 * @param generation the latest accepted generation
 * @param observedGeneration the generation whose configure workflow last completed
 * @param specHash the hash of the latest accepted spec
 * @param requester who last applied it
 * @param message Kratix's {@code status.message}
 * @param conditions ConfigureWorkflowCompleted, WorksSucceeded, Reconciled and any a pipeline set
 * @param pipelines the phase of each pipeline of the current run
 * @param fields the other top-level keys pipelines wrote to {@code status.yaml}
 * @param expectedWorks the pipelines whose Works the completed workflow published
 * @param works what is known of each pipeline's Work
 * @param lastFailure the last workflow failure, if any
 * @param lastRejection the last rejected request, if any
 * @param notifications the last delivery outcome per (event, channel)
 * @param lastSuccessfulConfigureWorkflowTime when the configure workflow last completed
 * @param deleting a delete was accepted
 * @param deleted every Work was removed after a delete: the resource is gone
 * @param updated the time of the last event folded in
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResourceStatus(
    String key,
    long generation,
    long observedGeneration,
    String specHash,
    String requester,
    String message,
    List<Condition> conditions,
    List<PipelinePhase> pipelines,
    ObjectNode fields,
    List<String> expectedWorks,
    Map<String, WorkState> works,
    Failure lastFailure,
    Problem lastRejection,
    Map<String, NotificationDelivered> notifications,
    Instant lastSuccessfulConfigureWorkflowTime,
    boolean deleting,
    boolean deleted,
    Instant updated) {

  /** The status of something no event has been seen for yet. */
  public static ResourceStatus empty(String key) {
    return new ResourceStatus(
        key, 0, 0, null, null, null, List.of(), List.of(), null, null, Map.of(), null, null,
        Map.of(), null, false, false, null);
  }

  public Optional<Condition> condition(String type) {
    return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
  }

  /** True once the Reconciled condition is True. */
  @JsonIgnore
  public boolean isReconciled() {
    return condition(Condition.RECONCILED).map(Condition::isTrue).orElse(false);
  }

  /** Kratix's STATUS printer column: the Reconciled condition's message. */
  @JsonIgnore
  public String displayStatus() {
    return condition(Condition.RECONCILED).map(Condition::message).orElse("Pending");
  }

  /** Every placement of every Work, i.e. the Destinations and commits the resource landed in. */
  @JsonIgnore
  public List<Placement> placements() {
    List<Placement> all = new ArrayList<>();
    works.values().forEach(w -> all.addAll(w.placements() == null ? List.of() : w.placements()));
    return all;
  }

  Builder toBuilder() {
    return new Builder(this);
  }

  /** A mutable copy used while folding one event. */
  static final class Builder {
    String key;
    long generation;
    long observedGeneration;
    String specHash;
    String requester;
    String message;
    List<Condition> conditions;
    List<PipelinePhase> pipelines;
    ObjectNode fields;
    List<String> expectedWorks;
    Map<String, WorkState> works;
    Failure lastFailure;
    Problem lastRejection;
    Map<String, NotificationDelivered> notifications;
    Instant lastSuccessfulConfigureWorkflowTime;
    boolean deleting;
    boolean deleted;
    Instant updated;

    Builder(ResourceStatus s) {
      key = s.key;
      generation = s.generation;
      observedGeneration = s.observedGeneration;
      specHash = s.specHash;
      requester = s.requester;
      message = s.message;
      conditions = new ArrayList<>(s.conditions);
      pipelines = new ArrayList<>(s.pipelines);
      fields = s.fields == null ? null : s.fields.deepCopy();
      expectedWorks = s.expectedWorks;
      works = new LinkedHashMap<>(s.works);
      lastFailure = s.lastFailure;
      lastRejection = s.lastRejection;
      notifications = new LinkedHashMap<>(s.notifications);
      lastSuccessfulConfigureWorkflowTime = s.lastSuccessfulConfigureWorkflowTime;
      deleting = s.deleting;
      deleted = s.deleted;
      updated = s.updated;
    }

    ResourceStatus build() {
      return new ResourceStatus(
          key,
          generation,
          observedGeneration,
          specHash,
          requester,
          message,
          List.copyOf(conditions),
          List.copyOf(pipelines),
          fields,
          expectedWorks == null ? null : List.copyOf(expectedWorks),
          java.util.Collections.unmodifiableMap(new LinkedHashMap<>(works)),
          lastFailure,
          lastRejection,
          java.util.Collections.unmodifiableMap(new LinkedHashMap<>(notifications)),
          lastSuccessfulConfigureWorkflowTime,
          deleting,
          deleted,
          updated);
    }
  }
}
