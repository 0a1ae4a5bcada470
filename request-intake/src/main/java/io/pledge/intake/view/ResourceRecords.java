package io.pledge.intake.view;

import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.resource.ResourceRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The record of each resource or Promise key as readers see it: the newest record the resource
 * owner folded into {@code pledge.resources}, with the request and status events this instance
 * published since on top.
 *
 * <p>An own event stays pending, by its topic and offset, until a folded record {@linkplain
 * ResourceRecord#covers covers} that offset: comparing generations would not do, as a reconcile or
 * a metadata change keeps the generation. The owner folds every keyed event (one that changes
 * nothing still moves the record's source offsets), so every pending event is covered in the end;
 * while the owner is stopped the pending events are what keeps this instance's own writes visible,
 * so they are not expired.
 */
final class ResourceRecords {

  private final Map<String, ResourceRecord> folded = new ConcurrentHashMap<>();
  private final Map<String, List<PendingEvent>> pending = new ConcurrentHashMap<>();

  /** What readers see per key: the folded record with the pending events on top. */
  private final Map<String, ResourceRecord> visible = new ConcurrentHashMap<>();

  private final Object[] stripes = newStripes(64);
  private final Consumer<String> onChange;

  /**
   * @param onChange called with the key after each change of what readers see, under the key's lock
   */
  ResourceRecords(Consumer<String> onChange) {
    this.onChange = onChange;
  }

  /** An event of {@code key} this instance published, acknowledged at {@code offset}. */
  void own(String key, CloudEvent event, String topic, long offset) {
    synchronized (lock(key)) {
      ResourceRecord current = folded.get(key);
      if (current != null && current.covers(topic, offset)) {
        return; // the owner folded it already
      }
      pending
          .computeIfAbsent(key, x -> new ArrayList<>())
          .add(new PendingEvent(event, topic, offset));
      // On top of what readers see already: the earlier pending events need no second fold.
      show(key, ResourceFold.apply(visible.get(key), key, event));
    }
  }

  /** Folds {@code event} into the key's record here, as the owner would (views with no owner). */
  void fold(String key, CloudEvent event) {
    synchronized (lock(key)) {
      ResourceRecord current = folded.get(key);
      ResourceRecord next = ResourceFold.apply(current, key, event);
      if (next != current) {
        folded.put(key, next);
        refresh(key);
      }
    }
  }

  /**
   * Takes the owner's newest record of its key, and drops the pending events it covers. Records of
   * a key arrive in the order the owner wrote them (one partition), so the newest one wins.
   */
  void folded(ResourceRecord record) {
    String key = record.key();
    synchronized (lock(key)) {
      folded.put(key, record);
      List<PendingEvent> own = pending.get(key);
      if (own != null) {
        own.removeIf(p -> record.covers(p.topic(), p.offset()));
        if (own.isEmpty()) {
          pending.remove(key);
        }
      }
      refresh(key);
    }
  }

  /** A compaction tombstone on {@code pledge.resources}: the owner forgot the key. */
  void tombstone(String key) {
    synchronized (lock(key)) {
      folded.remove(key);
      refresh(key);
    }
  }

  int pendingEvents(String key) {
    List<PendingEvent> own = pending.get(key);
    return own == null ? 0 : own.size();
  }

  ResourceRecord get(String key) {
    return visible.get(key);
  }

  Collection<ResourceRecord> all() {
    return visible.values();
  }

  /** Rebuilds what readers see from the folded record and the events still pending. */
  private void refresh(String key) {
    ResourceRecord record = folded.get(key);
    for (PendingEvent p : pending.getOrDefault(key, List.of())) {
      record = ResourceFold.apply(record, key, p.event());
    }
    show(key, record);
  }

  private void show(String key, ResourceRecord record) {
    if (record == null) {
      visible.remove(key);
    } else {
      visible.put(key, record);
    }
    onChange.accept(key);
  }

  /**
   * One monitor per key, from a fixed stripe: updates of one key (reading thread and publishers)
   * are serialised, different keys rarely wait for each other.
   */
  private Object lock(String key) {
    return stripes[Math.floorMod(key.hashCode(), stripes.length)];
  }

  private static Object[] newStripes(int n) {
    Object[] s = new Object[n];
    for (int i = 0; i < n; i++) {
      s[i] = new Object();
    }
    return s;
  }

  /** An event this instance published that the owner has not folded yet. */
  private record PendingEvent(CloudEvent event, String topic, long offset) {}
}
