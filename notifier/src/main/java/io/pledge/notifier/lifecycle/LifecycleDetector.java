package io.pledge.notifier.lifecycle;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.request.RequestAccepted;
import io.pledge.contract.status.Condition;
import io.pledge.contract.status.ResourceStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the lifecycle events in one step of a resource's status fold, by comparing the status
 * before and after an event. Pure: the same step always yields the same events, so a redelivered
 * event yields them again and de-duplication is the delivery ledger's job, not this class's.
 */
public final class LifecycleDetector {

  /**
   * The lifecycle events that folding {@code event} into {@code previous} (null: nothing seen yet)
   * produced, giving {@code next}.
   */
  public List<LifecycleEvent> detect(
      ResourceStatus previous, CloudEvent event, ResourceStatus next) {
    if (!ResourceKey.isResourceKey(next.key())) {
      return List.of();
    }
    ResourceKey key = ResourceKey.parse(next.key());
    ResourceStatus before = previous == null ? ResourceStatus.empty(next.key()) : previous;
    List<LifecycleEvent> found = new ArrayList<>();

    if (EventType.REQUEST_ACCEPTED.type().equals(event.type())) {
      RequestAccepted accepted = EventCodec.data(event, RequestAccepted.class);
      if ("apply".equals(accepted.action()) && accepted.generation() >= before.generation()) {
        found.add(new LifecycleEvent(key, accepted.generation(), Lifecycle.REQUESTED, next));
      }
    }
    if (next.isReconciled()
        && (!before.isReconciled() || before.observedGeneration() != next.observedGeneration())) {
      found.add(new LifecycleEvent(key, next.observedGeneration(), Lifecycle.RECONCILED, next));
    }
    if (isFailing(next) && (!isFailing(before) || before.generation() != next.generation())) {
      found.add(new LifecycleEvent(key, next.generation(), Lifecycle.FAILED, next));
    }
    if (next.deleted() && !before.deleted()) {
      found.add(new LifecycleEvent(key, next.generation(), Lifecycle.DELETED, next));
    }
    return List.copyOf(found);
  }

  private static boolean isFailing(ResourceStatus status) {
    return status
        .condition(Condition.RECONCILED)
        .map(c -> Condition.FALSE.equals(c.status()))
        .orElse(false);
  }
}
