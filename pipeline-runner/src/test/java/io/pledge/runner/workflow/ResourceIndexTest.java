package io.pledge.runner.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.ResourceKey;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ResourceIndexTest {

  private static final ResourceKey KEY = ResourceKey.parse("ns/pg/db");

  /** A store whose acknowledgements the test gives. */
  private static final class HeldStore implements ResourceIndex.Store {
    final CompletableFuture<Void> ack = new CompletableFuture<>();

    @Override
    public CompletableFuture<Void> put(ResourceIndex.Entry entry) {
      return ack;
    }

    @Override
    public CompletableFuture<Void> remove(ResourceKey key) {
      return ack;
    }
  }

  @Test
  void anOwnRecordIsAppliedWhenTheBrokerAcknowledgesIt() {
    ResourceIndex index = new ResourceIndex();
    HeldStore store = new HeldStore();
    index.store(store);
    ResourceIndex.Entry entry = new ResourceIndex.Entry(KEY, 2, null, "evt", Instant.now());

    CompletableFuture<Void> recorded = index.record(entry);

    assertThat(index.get(KEY)).isEmpty();
    assertThat(recorded).isNotDone();
    store.ack.complete(null);
    assertThat(recorded).isCompleted();
    assertThat(index.get(KEY)).contains(entry);
  }

  @Test
  void aRecordTheBrokerRefusedIsNotApplied() {
    ResourceIndex index = new ResourceIndex();
    HeldStore store = new HeldStore();
    index.store(store);

    CompletableFuture<Void> recorded =
        index.record(new ResourceIndex.Entry(KEY, 2, null, "evt", Instant.now()));
    store.ack.completeExceptionally(new IllegalStateException("broker down"));

    assertThat(recorded).isCompletedExceptionally();
    assertThat(index.get(KEY)).isEmpty();
  }

  @Test
  void aForgottenResourceLeavesWhenTheTombstoneIsAcknowledged() {
    ResourceIndex index = new ResourceIndex();
    ResourceIndex.Entry entry = new ResourceIndex.Entry(KEY, 2, null, "evt", Instant.now());
    index.loaded(entry);
    HeldStore store = new HeldStore();
    index.store(store);

    CompletableFuture<Void> forgotten = index.forget(KEY);

    assertThat(index.get(KEY)).contains(entry);
    store.ack.complete(null);
    assertThat(forgotten).isCompleted();
    assertThat(index.get(KEY)).isEmpty();
  }
}
