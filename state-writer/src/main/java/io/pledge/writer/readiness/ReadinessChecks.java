package io.pledge.writer.readiness;

import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.destination.DestinationReadiness;
import io.pledge.contract.kratix.BucketStateStore;
import io.pledge.contract.kratix.Destination;
import io.pledge.contract.kratix.GitStateStore;
import io.pledge.contract.kratix.ObjectMeta;
import io.pledge.writer.batch.Canary;
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.store.StateStore;
import io.pledge.writer.store.StateStoreException;
import io.pledge.writer.stores.StateStores;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Checks the state stores and works out the Destinations' readiness, Kratix's {@code Ready}
 * condition: a store is checked when it is applied and then every {@code recheck} while ready
 * (every {@code retry} while not), a Destination follows its store and its canary files. Each
 * object's readiness is published by the instance that owns its key (the {@code pledge.works}
 * partition it hashes to), and only when it changes; a deleted object's is removed.
 *
 * <p>Runs on the works consumer's thread, between batches, so a check never races a write on the
 * same local copy; {@link #changed} alone is called from the Destination table's thread.
 */
public final class ReadinessChecks {

  private static final Logger LOG = Logger.getLogger(ReadinessChecks.class);

  private final DestinationTable table;
  private final StateStores stores;
  private final ReadinessSink sink;
  private final Duration recheck;
  private final Duration retry;
  private final Clock clock;

  private final Set<String> changed = ConcurrentHashMap.newKeySet();
  private final Map<String, Readiness> storeChecks = new HashMap<>();
  private final Map<String, Instant> nextCheck = new HashMap<>();
  private final Map<String, Canary> canaries = new HashMap<>();
  private final Map<String, DestinationReadiness> published = new HashMap<>();
  private final Map<String, Future<?>> sending = new HashMap<>();

  /**
   * @param recheck how often a ready store is checked again
   * @param retry how often a store that is not ready is checked again
   */
  public ReadinessChecks(
      DestinationTable table,
      StateStores stores,
      ReadinessSink sink,
      Duration recheck,
      Duration retry,
      Clock clock) {
    this.table = table;
    this.stores = stores;
    this.sink = sink;
    this.recheck = recheck;
    this.retry = retry;
    this.clock = clock;
  }

  /** A Destination or state store was applied or deleted: look at it at the next run. */
  public void changed(DestinationTable.Change change) {
    changed.add(DestinationApplied.key(change.kind(), change.name()));
  }

  /** What became of a Destination's canary files; its readiness follows at the next run. */
  public void canary(String destination, Canary canary) {
    canaries.put(destination, canary);
  }

  /**
   * Checks the stores that are due, then publishes what changed.
   *
   * @param owns whether this instance owns a key (Destination name or {@code <Kind>/<name>})
   */
  public void run(Predicate<String> owns) {
    settleSends();
    takeChanges();
    Instant now = clock.instant();
    Map<String, ObjectMeta> storeMeta = new LinkedHashMap<>();
    Map<String, StoreDocument> documents = new LinkedHashMap<>();
    for (GitStateStore s : table.gitStores()) {
      String id = DestinationApplied.key(DestinationApplied.GIT_STATE_STORE, name(s.metadata()));
      storeMeta.put(id, s.metadata());
      documents.put(id, () -> stores.git(s));
    }
    for (BucketStateStore s : table.bucketStores()) {
      String id = DestinationApplied.key(DestinationApplied.BUCKET_STATE_STORE, name(s.metadata()));
      storeMeta.put(id, s.metadata());
      documents.put(id, () -> stores.bucket(s));
    }
    Map<String, String> storeOfOwnedDestination = new HashMap<>();
    for (Destination d : table.destinations()) {
      if (owns.test(d.name())) {
        storeOfOwnedDestination.put(d.name(), storeId(d));
      }
    }
    for (Map.Entry<String, StoreDocument> store : documents.entrySet()) {
      String id = store.getKey();
      if (!owns.test(id) && !storeOfOwnedDestination.containsValue(id)) {
        continue;
      }
      Instant due = nextCheck.get(id);
      if (due == null || !due.isAfter(now)) {
        Readiness result = check(id, store.getValue());
        storeChecks.put(id, result);
        nextCheck.put(id, now.plus(result.ready() ? recheck : retry));
      }
      if (owns.test(id)) {
        publish(id, storeMeta.get(id), storeChecks.get(id), now);
      }
    }
    for (Destination d : table.destinations()) {
      Canary canary = canaries.get(d.name());
      String storeId = storeOfOwnedDestination.get(d.name());
      if (!owns.test(d.name()) || canary == null) {
        continue;
      }
      Readiness store = storeId == null ? null : storeChecks.get(storeId);
      if (storeId != null && store == null && documents.containsKey(storeId)) {
        continue; // not checked yet
      }
      publish(d.name(), d.metadata(), Readiness.destination(storeId, store, canary), now);
    }
    // What another instance owns now is published there; if it comes back here, it is published
    // again rather than assumed unchanged.
    published.keySet().removeIf(key -> !owns.test(key));
  }

  private Readiness check(String id, StoreDocument document) {
    StateStore store;
    try {
      store = document.open();
    } catch (StateStoreException e) {
      return Readiness.storeUnusable(e.getMessage());
    }
    try {
      store.checkWrite();
      return Readiness.storeWritable();
    } catch (StateStoreException e) {
      LOG.warnf("State store %s is not ready: %s", id, e.getMessage());
      return Readiness.storeRefused(e.getMessage());
    }
  }

  private void publish(String key, ObjectMeta meta, Readiness readiness, Instant now) {
    DestinationReadiness before = published.get(key);
    long generation = meta == null || meta.generation() == null ? 0 : meta.generation();
    if (before != null
        && before.observedGeneration() == generation
        && before.ready() == readiness.ready()
        && before.reason().equals(readiness.reason())
        && before.message().equals(readiness.message())) {
      return;
    }
    Instant since = before != null && before.ready() == readiness.ready() ? before.since() : now;
    String[] kindAndName = kindAndName(key);
    DestinationReadiness next =
        new DestinationReadiness(
            kindAndName[0],
            kindAndName[1],
            generation,
            readiness.ready(),
            readiness.reason(),
            readiness.message(),
            since);
    published.put(key, next);
    sending.put(key, sink.readiness(key, next));
    if (before == null || before.ready() != next.ready()) {
      LOG.infof("%s %s: %s", key, next.ready() ? "is ready" : "is not ready", next.message());
    }
  }

  /**
   * Changed stores are checked at once; a deleted object's readiness is removed. (A changed
   * Destination's canary files are written again before this runs, so its outcome is current.)
   */
  private void takeChanges() {
    for (Iterator<String> it = changed.iterator(); it.hasNext(); ) {
      String key = it.next();
      it.remove();
      nextCheck.remove(key);
      storeChecks.remove(key);
      if (!exists(key)) {
        canaries.remove(key);
        published.remove(key);
        sending.put(key, sink.readiness(key, null));
      }
    }
  }

  /** A send the broker did not take is sent again at the next run. */
  private void settleSends() {
    for (Iterator<Map.Entry<String, Future<?>>> it = sending.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, Future<?>> e = it.next();
      if (!e.getValue().isDone()) {
        continue;
      }
      it.remove();
      try {
        e.getValue().get();
      } catch (ExecutionException ex) {
        LOG.warnf("Readiness of %s not sent, sending again: %s", e.getKey(), ex.getCause());
        published.remove(e.getKey());
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean exists(String key) {
    String[] kn = kindAndName(key);
    return switch (kn[0]) {
      case DestinationApplied.GIT_STATE_STORE -> table.gitStore(kn[1]).isPresent();
      case DestinationApplied.BUCKET_STATE_STORE -> table.bucketStore(kn[1]).isPresent();
      default -> table.destination(kn[1]).isPresent();
    };
  }

  /** Kind and name of a key: {@code <Kind>/<name>} for stores, the name for Destinations. */
  private static String[] kindAndName(String key) {
    int slash = key.indexOf('/');
    return slash < 0
        ? new String[] {DestinationApplied.DESTINATION, key}
        : new String[] {key.substring(0, slash), key.substring(slash + 1)};
  }

  private static String storeId(Destination d) {
    Destination.StateStoreRef ref = d.spec() == null ? null : d.spec().stateStoreRef();
    return ref == null || ref.name() == null || ref.kind() == null
        ? null
        : DestinationApplied.key(ref.kind(), ref.name());
  }

  private static String name(ObjectMeta meta) {
    return meta == null ? null : meta.name();
  }

  /** Opens a store's writer; the writer itself keeps them. */
  @FunctionalInterface
  private interface StoreDocument {
    StateStore open() throws StateStoreException;
  }
}
