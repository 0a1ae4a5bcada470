package io.pledge.intake.apply;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Striped locks that serialise applies touching the same object within this instance, so two
 * concurrent applies of one resource cannot both take generation n+1. Stripes are taken in index
 * order, so applies of several objects never deadlock.
 *
 * <p>A key may also be held shared: request applies hold their Promise's key shared, so they run
 * side by side but never while the Promise is being deleted (which holds it exclusively and must
 * see every request of the Promise).
 */
final class KeyLocks {

  private final ReentrantReadWriteLock[] stripes;

  KeyLocks(int count) {
    stripes = new ReentrantReadWriteLock[count];
    for (int i = 0; i < count; i++) {
      stripes[i] = new ReentrantReadWriteLock();
    }
  }

  /** Runs {@code work} holding the stripes of every key exclusively. */
  <T> T withLocks(Collection<String> keys, Supplier<T> work) {
    return withLocks(keys, List.of(), work);
  }

  /**
   * Runs {@code work} holding the stripes of {@code exclusive} keys exclusively and those of {@code
   * shared} keys shared (exclusively when a stripe is both).
   */
  <T> T withLocks(Collection<String> exclusive, Collection<String> shared, Supplier<T> work) {
    TreeMap<Integer, Boolean> indexes = new TreeMap<>();
    shared.forEach(k -> indexes.put(index(k), Boolean.FALSE));
    exclusive.forEach(k -> indexes.put(index(k), Boolean.TRUE));
    List<Lock> ordered = indexes.entrySet().stream().map(e -> lockOf(e)).toList();
    int locked = 0;
    try {
      for (Lock lock : ordered) {
        lock.lock();
        locked++;
      }
      return work.get();
    } finally {
      for (int j = locked - 1; j >= 0; j--) {
        ordered.get(j).unlock();
      }
    }
  }

  private Lock lockOf(Map.Entry<Integer, Boolean> stripe) {
    ReentrantReadWriteLock lock = stripes[stripe.getKey()];
    return stripe.getValue() ? lock.writeLock() : lock.readLock();
  }

  private int index(String key) {
    return Math.floorMod(key.hashCode(), stripes.length);
  }
}
