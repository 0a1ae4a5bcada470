package io.pledge.notifier.lifecycle;

import java.util.Optional;

/**
 * Tells a creation from an update, the events billing cares about: the first generation of a
 * resource to be reconciled is its creation, any later generation reconciled (a generation grows
 * only when the spec changes, e.g. a size change) an update. Pure, so a replay of the same status
 * events classifies the same way.
 */
public final class ChangeClassifier {

  /**
   * The creation or update that {@code event} stands for.
   *
   * @param firstReconciled the first generation of the resource that was ever reconciled, counting
   *     {@code event} itself; 0 when unknown
   * @return empty unless {@code event} is a {@link Lifecycle#RECONCILED}
   */
  public Optional<LifecycleEvent> classify(LifecycleEvent event, long firstReconciled) {
    if (event.lifecycle() != Lifecycle.RECONCILED) {
      return Optional.empty();
    }
    Lifecycle change =
        firstReconciled == 0 || event.generation() <= firstReconciled
            ? Lifecycle.CREATED
            : Lifecycle.UPDATED;
    return Optional.of(new LifecycleEvent(event.key(), event.generation(), change, event.status()));
  }
}
