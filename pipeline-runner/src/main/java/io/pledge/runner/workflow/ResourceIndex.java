package io.pledge.runner.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resources whose workflows ran, with the request each last ran for: what a Promise change or a
 * periodic re-run must run again. It is kept durable in a compacted topic (see {@code
 * ResourceTable}), read from the beginning by every instance; {@link Store} writes it.
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

  /** Makes changes durable; each call returns once the broker has them. */
  public interface Store {
    void put(Entry entry);

    void remove(ResourceKey key);
  }

  private final Map<ResourceKey, Entry> entries = new HashMap<>();
  private volatile boolean caughtUp;
  private volatile Store store;

  public void store(Store store) {
    this.store = store;
  }

  /** Records a finished run durably, then here. */
  public void record(Entry entry) {
    Store s = store;
    if (s != null) {
      s.put(entry);
    }
    loaded(entry);
  }

  /** Forgets a deleted resource durably, then here. */
  public void forget(ResourceKey key) {
    Store s = store;
    if (s != null) {
      s.remove(key);
    }
    removed(key);
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
