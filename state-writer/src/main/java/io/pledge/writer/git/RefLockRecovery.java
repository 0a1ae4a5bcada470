package io.pledge.writer.git;

import io.pledge.writer.store.StateStoreException;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.util.FS;
import org.jboss.logging.Logger;

/**
 * Recovers a Git state store from lock files that a writer killed mid-write left behind (a {@code
 * kill -9}, an OOM kill, a lost node), which Git would otherwise trip over forever.
 *
 * <ul>
 *   <li>The local copy under the work dir belongs to this process alone ({@link LocalCopyLease}):
 *       every lock in it is removed when it is opened.
 *   <li>A remote on this machine ({@code file://} or a path, the default store) is shared with
 *       other writers: a push refused for a lock removes {@code refs/heads/<branch>.lock} only once
 *       it is {@link StaleLockRule stale}; a younger one fails the write with the reason, and the
 *       retries remove it once it has aged.
 *   <li>A remote over ssh or HTTPS locks its refs on the server, out of the writer's reach: the
 *       failure says so.
 * </ul>
 */
final class RefLockRecovery {

  private static final Logger LOG = Logger.getLogger(RefLockRecovery.class);

  private final String store;
  private final String url;
  private final String branch;
  private final StaleLockRule rule;
  private final Path remoteGitDir;
  private Clock clock = Clock.systemUTC();

  /**
   * @param url the remote as the store is configured (a local path is absolute)
   */
  RefLockRecovery(String store, String url, String branch, StaleLockRule rule) {
    this.store = store;
    this.url = url;
    this.branch = branch;
    this.rule = rule;
    this.remoteGitDir = localRepository(url);
  }

  /** Removes the locks a killed predecessor left in {@code localDir}, which this process owns. */
  void clearLocalCopy(Path localDir) throws IOException {
    List<GitLockFiles.RemovedLock> removed = GitLockFiles.removeAll(localDir, clock.instant());
    for (GitLockFiles.RemovedLock lock : removed) {
      LOG.warnf(
          "%s: removed the stale lock %s (%d s old) from the local copy %s: a writer killed"
              + " mid-write left it, and no other live process can hold it (this one holds the"
              + " copy's %s)",
          store, lock.path(), lock.age().toSeconds(), localDir, LocalCopyLease.FILE_NAME);
    }
  }

  /**
   * Answers a push the remote refused with {@code reason} ("failed to lock"): returns when the push
   * may be redone at once (a stale lock was removed, or the lock is gone), throws otherwise.
   *
   * @throws StateStoreException (transient) naming the lock and why it stays
   */
  void lockRefused(String reason) throws StateStoreException {
    String ref = "refs/heads/" + branch;
    String where = StateStoreException.redact(url);
    if (remoteGitDir == null) {
      throw new RefLockHeldException(
          "push to "
              + where
              + " branch "
              + branch
              + " refused: the server could not lock "
              + ref
              + " ("
              + reason
              + "): another push holds the lock, or one that died left "
              + ref
              + ".lock on the server, where only its administrators can remove it");
    }
    Path lock = remoteGitDir.resolve(ref + ".lock");
    GitLockFiles.Outcome outcome;
    try {
      outcome = GitLockFiles.removeIfStale(lock, rule, clock.instant());
    } catch (IOException e) {
      throw new StateStoreException(
          "push to "
              + where
              + " branch "
              + branch
              + " refused for the lock "
              + lock
              + ", which cannot be looked at or removed: "
              + e.getMessage(),
          true,
          e);
    }
    if (outcome instanceof GitLockFiles.Removed removed) {
      LOG.warnf(
          "%s: removed the stale lock %s (%d s old, unchanged for at least the %d s"
              + " pledge.writer.stale-lock-age; a ref update holds its lock for milliseconds): a"
              + " writer killed mid-push left it; pushing again",
          store, lock, removed.age().toSeconds(), rule.staleAfter().toSeconds());
    } else if (outcome instanceof GitLockFiles.Held held) {
      throw new RefLockHeldException(
          "push to "
              + where
              + " branch "
              + branch
              + " refused: "
              + lock
              + " is held (for "
              + held.age().toSeconds()
              + " s): another writer is pushing, or one was killed mid-push; a lock unchanged for "
              + rule.staleAfter().toSeconds()
              + " s (pledge.writer.stale-lock-age) is removed as stale");
    }
  }

  /** For tests: the time at which locks are judged, e.g. a restart long after a kill. */
  void clock(Clock clock) {
    this.clock = clock;
  }

  /** The Git directory of a remote on this machine; null for a remote reached over a network. */
  static Path localRepository(String url) {
    String path;
    if (url.startsWith("file:")) {
      try {
        path = new URIish(url).getPath();
      } catch (URISyntaxException e) {
        return null;
      }
    } else if (url.contains("://") || url.matches("^[^/]+@[^/]+:.*")) {
      return null;
    } else {
      path = url;
    }
    File dir = new File(path);
    File gitDir = RepositoryCache.FileKey.resolve(dir, FS.DETECTED);
    return (gitDir != null ? gitDir : dir).toPath();
  }
}
