package io.pledge.runner.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The resources whose workflows ran, with the request each last ran for: what a Promise change or a
 * periodic re-run must run again. It is kept durable in a compacted topic (see {@code
 * ResourceTable}), read from the beginning by every instance; {@link Store} writes it. An instance
 * applies its own changes here when the broker acknowledged them, not when it reads them back.
 */
public final class ResourceIndex {

  /** What a request waits for while the index is being read at start-up. */
  public static final String GATE = "(resource index)";

  /**
   * A resource's last workflow run.
   *
   * @param key the resource key
   * @param generation the generation it ran for
   * @param resource the request document it ran with
   * @param lastTrigger the id of the event that asked for that run
   * @param completedAt when the run ended
   */
  public record Entry(
      ResourceKey key,
      long generation,
      JsonNode resource,
      String lastTrigger,
      Instant completedAt) {}

  /** Makes changes durable; each returned future completes once the broker has them. */
  public interface Store {
    CompletableFuture<Void> put(Entry entry);

    CompletableFuture<Void> remove(ResourceKey key);
  }

  private final Map<ResourceKey, Entry> entries = new HashMap<>();
  private volatile boolean caughtUp;
  private volatile Store store;

  public void store(Store store) {
    this.store = store;
  }

  /**
   * Records a finished run durably, then here once the broker acknowledged it; the future completes
   * after both.
   */
  public CompletableFuture<Void> record(Entry entry) {
    Store s = store;
    CompletableFuture<Void> sent =
        s == null ? CompletableFuture.completedFuture(null) : s.put(entry);
    return sent.thenRun(() -> loaded(entry));
  }

  /** Forgets a deleted resource durably, then here once the broker acknowledged it. */
  public CompletableFuture<Void> forget(ResourceKey key) {
    Store s = store;
    CompletableFuture<Void> sent =
        s == null ? CompletableFuture.completedFuture(null) : s.remove(key);
    return sent.thenRun(() -> removed(key));
  }

  /** An entry read from the table (or written by this instance). */
  public synchronized void loaded(Entry entry) {
    Entry current = entries.get(entry.key());
    // The table may replay an older entry after this instance wrote a newer one.
    if (current == null || !current.completedAt().isAfter(entry.completedAt())) {
      entries.put(entry.key(), entry);
    }
  }

  public synchronized void removed(ResourceKey key) {
    entries.remove(key);
  }

  public synchronized Optional<Entry> get(ResourceKey key) {
    return Optional.ofNullable(entries.get(key));
  }

  public synchronized List<Entry> ofPromise(String promise) {
    List<Entry> list = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.key().promise().equals(promise)) {
        list.add(e);
      }
    }
    list.sort((a, b) -> a.key().toString().compareTo(b.key().toString()));
    return list;
  }

  public synchronized List<Entry> all() {
    return List.copyOf(entries.values());
  }

  public synchronized int size() {
    return entries.size();
  }

  public boolean caughtUp() {
    return caughtUp;
  }

  public void caughtUp(boolean value) {
    caughtUp = value;
  }
}
