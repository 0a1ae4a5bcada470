package io.pledge.writer.stores;

import io.pledge.contract.kratix.BucketStateStore;
import io.pledge.contract.kratix.GitStateStore;
import io.pledge.writer.bucket.BucketCredentials;
import io.pledge.writer.git.GitStateStores;
import io.pledge.writer.store.StateStore;
import io.pledge.writer.store.StateStoreException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The writers of every state store: Git ones through {@link GitStateStores}, buckets here. A writer
 * is kept while its document's spec stays the same; a changed spec gets a fresh one.
 */
public final class StateStores implements AutoCloseable {

  private record BucketEntry(
      BucketStateStore.Spec spec, io.pledge.writer.bucket.BucketStateStore store) {}

  private final GitStateStores git;
  private final Path secretsDir;
  private final Map<String, BucketEntry> buckets = new ConcurrentHashMap<>();

  public StateStores(GitStateStores git, Path secretsDir) {
    this.git = git;
    this.secretsDir = secretsDir;
  }

  /**
   * The writer of a GitStateStore.
   *
   * @throws StateStoreException (permanent) when the document cannot be used
   */
  public StateStore git(GitStateStore document) throws StateStoreException {
    return git.store(document);
  }

  /**
   * The writer of a BucketStateStore.
   *
   * @throws StateStoreException (permanent) when the document has no bucket name or endpoint
   */
  public synchronized StateStore bucket(BucketStateStore document) throws StateStoreException {
    String name = document.metadata() == null ? null : document.metadata().name();
    BucketStateStore.Spec spec = document.spec();
    if (name == null
        || spec == null
        || spec.bucketName() == null
        || spec.bucketName().isBlank()
        || spec.endpoint() == null
        || spec.endpoint().isBlank()) {
      throw new StateStoreException(
          "BucketStateStore " + name + " needs spec.bucketName and spec.endpoint", false);
    }
    BucketEntry entry = buckets.get(name);
    if (entry != null && entry.spec().equals(spec)) {
      return entry.store();
    }
    if (entry != null) {
      entry.store().close();
    }
    io.pledge.writer.bucket.BucketStateStore store =
        new io.pledge.writer.bucket.BucketStateStore(
            "BucketStateStore/" + name,
            spec.endpoint(),
            spec.insecure(),
            spec.bucketName(),
            spec.path(),
            new BucketCredentials(secretsDir, spec.secretRef(), spec.authMethod()));
    buckets.put(name, new BucketEntry(spec, store));
    return store;
  }

  @Override
  public synchronized void close() {
    git.close();
    buckets.values().forEach(e -> e.store().close());
    buckets.clear();
  }
}
