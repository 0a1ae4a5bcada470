package io.pledge.notifier.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.status.ResourceStatus;
import org.junit.jupiter.api.Test;

class ChangeClassifierTest {

  private static final String KEY = "default/postgresql/example";
  private final ChangeClassifier classifier = new ChangeClassifier();

  private static LifecycleEvent event(Lifecycle lifecycle, long generation) {
    return new LifecycleEvent(
        ResourceKey.parse(KEY), generation, lifecycle, ResourceStatus.empty(KEY));
  }

  @Test
  void theFirstGenerationReconciledIsTheCreation() {
    assertThat(classifier.classify(event(Lifecycle.RECONCILED, 1), 1))
        .get()
        .extracting(LifecycleEvent::lifecycle)
        .isEqualTo(Lifecycle.CREATED);
    // Generation 1 failed; generation 2 is the first to exist.
    assertThat(classifier.classify(event(Lifecycle.RECONCILED, 2), 2))
        .get()
        .extracting(LifecycleEvent::lifecycle)
        .isEqualTo(Lifecycle.CREATED);
  }

  @Test
  void aLaterGenerationReconciledIsAnUpdate() {
    assertThat(classifier.classify(event(Lifecycle.RECONCILED, 3), 1))
        .get()
        .satisfies(
            e -> {
              assertThat(e.lifecycle()).isEqualTo(Lifecycle.UPDATED);
              assertThat(e.generation()).isEqualTo(3);
            });
  }

  @Test
  void otherEventsAreNoChange() {
    assertThat(classifier.classify(event(Lifecycle.FAILED, 1), 1)).isEmpty();
    assertThat(classifier.classify(event(Lifecycle.DELETED, 1), 1)).isEmpty();
  }
}
