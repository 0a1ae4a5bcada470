package io.pledge.intake.apply;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped locks that serialise applies touching the same object within this instance, so two
 * concurrent applies of one resource cannot both take generation n+1. Stripes are taken in index
 * order, so applies of several objects never deadlock.
 */
final class KeyLocks {

  private final ReentrantLock[] stripes;

  KeyLocks(int count) {
    stripes = new ReentrantLock[count];
    for (int i = 0; i < count; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** Runs {@code work} holding the stripes of every key. */
  <T> T withLocks(Collection<String> keys, java.util.function.Supplier<T> work) {
    TreeSet<Integer> indexes = new TreeSet<>();
    keys.forEach(k -> indexes.add(Math.floorMod(k.hashCode(), stripes.length)));
    List<Integer> ordered = List.copyOf(indexes);
    int locked = 0;
    try {
      for (int i : ordered) {
        stripes[i].lock();
        locked++;
      }
      return work.get();
    } finally {
      for (int j = locked - 1; j >= 0; j--) {
        stripes[ordered.get(j)].unlock();
      }
    }
  }
}
