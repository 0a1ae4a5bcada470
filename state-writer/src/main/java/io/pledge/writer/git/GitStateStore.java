package io.pledge.writer.git;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.pledge.kafka.tracing.TraceScope;
import io.pledge.writer.layout.KratixStateFile;
import io.pledge.writer.layout.StateStoreLayout;
import io.pledge.writer.store.ContendedWriteException;
import io.pledge.writer.store.FolderChange;
import io.pledge.writer.store.StateStore;
import io.pledge.writer.store.StateStoreException;
import io.pledge.writer.telemetry.WriterTelemetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteConfig;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.TrackingRefUpdate;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.jboss.logging.Logger;

/**
 * Writes to one branch of one Git repository (kratix.md §3.3), through a local bare copy under the
 * work dir.
 *
 * <p>Every write fetches the branch and builds the new tree in memory on top of {@code
 * origin/<branch>}, so commits pushed by others in between are never lost (this is Kratix's fetch
 * and {@code reset --hard}, without a working tree to clean). A write that changes nothing makes no
 * commit and answers the SHA that already holds the content. A push rejected because the branch
 * moved is redone on the new head after a growing, partly random pause ({@link ContentionBackoff}),
 * a bounded number of times. Writes to one store are serialised. Lock files that a writer killed
 * mid-write left behind are cleared by {@link RefLockRecovery}.
 */
public final class GitStateStore implements StateStore {

  private static final Logger LOG = Logger.getLogger(GitStateStore.class);
  private static final String ORIGIN = "origin";
  private static final String EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

  /** Where {@link #checkWrite()} pushes its probe, outside {@code refs/heads/}. */
  public static final String CHECK_REF = "refs/pledge/write-check";

  /** Far above the milliseconds a ref update holds its lock, even on a slow shared disk. */
  public static final Duration DEFAULT_STALE_LOCK_AGE = Duration.ofSeconds(60);

  private static final Set<RefUpdate.Result> UPDATED =
      EnumSet.of(
          RefUpdate.Result.NEW,
          RefUpdate.Result.FAST_FORWARD,
          RefUpdate.Result.FORCED,
          RefUpdate.Result.NO_CHANGE);

  private final String name;
  private final String url;
  private final String branch;
  private final String authorName;
  private final String authorEmail;
  private final GitCredentials credentials;
  private final Path localDir;
  private final int pushAttempts;

  /** Who receives our pushes: {@link LocalReceivePack}. */
  private final String receivePack;

  private final Duration contentionBackoff;
  private final WriterTelemetry telemetry;
  private final RefLockRecovery locks;
  private Repository repository;
  private LocalCopyLease lease;
  // Tests push to the remote here to lose the race between our fetch and our push.
  private Runnable beforePush = () -> {};

  public GitStateStore(
      String name,
      String url,
      String branch,
      String authorName,
      String authorEmail,
      GitCredentials credentials,
      Path localDir,
      int pushAttempts,
      Duration contentionBackoff) {
    this(
        name,
        url,
        branch,
        authorName,
        authorEmail,
        credentials,
        localDir,
        pushAttempts,
        contentionBackoff,
        DEFAULT_STALE_LOCK_AGE,
        WriterTelemetry.NONE);
  }

  /**
   * @param staleLockAge how long a lock in a remote on this machine must stand unchanged before it
   *     is taken for one that a killed writer left
   * @param telemetry traces each fetch and push
   */
  public GitStateStore(
      String name,
      String url,
      String branch,
      String authorName,
      String authorEmail,
      GitCredentials credentials,
      Path localDir,
      int pushAttempts,
      Duration contentionBackoff,
      Duration staleLockAge,
      WriterTelemetry telemetry) {
    this.telemetry = telemetry;
    this.name = name;
    this.url = normaliseUrl(url);
    this.branch = branch;
    this.authorName = authorName;
    this.authorEmail = authorEmail;
    this.credentials = credentials;
    this.localDir = localDir;
    this.pushAttempts = Math.max(1, pushAttempts);
    this.contentionBackoff = contentionBackoff;
    this.receivePack = LocalReceivePack.forUrl(this.url).orElse(RemoteConfig.DEFAULT_RECEIVE_PACK);
    this.locks = new RefLockRecovery(name, this.url, branch, new StaleLockRule(staleLockAge));
  }

  /** {@code GitStateStore/<name>}, as placements name it. */
  @Override
  public String name() {
    return name;
  }

  public String branch() {
    return branch;
  }

  /**
   * Applies {@code changes} on top of the branch head and pushes them as one commit.
   *
   * @throws StateStoreException when the remote cannot be reached, refuses the credentials, or the
   *     branch moved on every attempt
   */
  @Override
  public synchronized WriteResult write(List<FolderChange> changes, String message)
      throws StateStoreException {
    for (int attempt = 1; ; attempt++) {
      GitCredentials.Auth provider = credentials.resolve();
      try {
        Repository repo = repository();
        ObjectId base = traced("fetch", () -> fetch(repo, provider));
        ObjectId commit;
        try (ObjectInserter inserter = repo.newObjectInserter();
            ObjectReader reader = inserter.newReader();
            RevWalk walk = new RevWalk(reader)) {
          RevCommit baseCommit = base == null ? null : walk.parseCommit(base);
          RevTree baseTree = baseCommit == null ? null : baseCommit.getTree();
          ObjectId tree =
              edits(reader, inserter, baseTree, changes).write(reader, inserter, baseTree);
          if (baseTree == null && tree.equals(ObjectId.fromString(EMPTY_TREE))) {
            return new WriteResult(null, false);
          }
          if (baseTree != null && tree.equals(baseTree)) {
            return new WriteResult(base.name(), false);
          }
          commit = inserter.insert(commit(tree, base, message));
          inserter.flush();
        }
        beforePush.run();
        // Marks the push window, e.g. for a chaos test that kills the writer inside it.
        LOG.debugf(
            "%s: pushing %s to branch %s (attempt %d)", name, commit.name(), branch, attempt);
        if (pushed(repo, provider, commit, attempt)) {
          setRef(repo, Constants.R_REMOTES + ORIGIN + "/" + branch, commit);
          return new WriteResult(commit.name(), true);
        }
        if (attempt >= pushAttempts) {
          throw new ContendedWriteException(
              "push to "
                  + StateStoreException.redact(url)
                  + " branch "
                  + branch
                  + " was rejected "
                  + attempt
                  + " times: the branch keeps moving");
        }
        LOG.debugf(
            "%s: branch %s moved during the write, redoing it on the new head", name, branch);
        pause(
            ContentionBackoff.after(
                attempt, contentionBackoff, ThreadLocalRandom.current().nextDouble()));
      } catch (GitAPIException | IOException | RuntimeException e) {
        throw failure(e);
      }
    }
  }

  /**
   * Checks that this writer can write to the store, as Kratix's state store check does: the remote
   * answers with these credentials, and a push is accepted. The push goes to {@link #CHECK_REF}, a
   * ref outside the branches (so no GitOps agent sees it and the branch's history stays the
   * workloads'), with a commit of no files on top of the branch head, and the ref is deleted again
   * at once. A push of the branch as it is (Kratix's probe) writes nothing and so would pass on a
   * repository that has become read-only.
   *
   * @throws StateStoreException with Git's reason when the remote cannot be reached or refuses
   */
  @Override
  public synchronized void checkWrite() throws StateStoreException {
    GitCredentials.Auth provider = credentials.resolve();
    try {
      Repository repo = repository();
      ObjectId base = traced("fetch", () -> fetch(repo, provider));
      ObjectId probe;
      try (ObjectInserter inserter = repo.newObjectInserter()) {
        ObjectId empty = inserter.insert(new TreeFormatter());
        probe = inserter.insert(commit(empty, base, "Pledge write check (deleted at once)"));
        inserter.flush();
      }
      setRef(repo, CHECK_REF, probe);
      traced("push", () -> pushCheck(repo, provider, "+" + CHECK_REF + ":" + CHECK_REF));
      traced("push", () -> pushCheck(repo, provider, ":" + CHECK_REF));
    } catch (GitAPIException | IOException | RuntimeException e) {
      throw failure(e);
    }
  }

  /** Pushes {@code spec}; any answer but OK is the reason the check failed. */
  private boolean pushCheck(Repository repo, GitCredentials.Auth auth, String spec)
      throws GitAPIException, StateStoreException {
    for (RemoteRefUpdate update : pushUpdates(repo, auth, spec)) {
      if (update.getStatus() != RemoteRefUpdate.Status.OK
          && update.getStatus() != RemoteRefUpdate.Status.NON_EXISTING) {
        throw new StateStoreException(
            "push to "
                + StateStoreException.redact(url)
                + " refused: "
                + update.getStatus()
                + (update.getMessage() == null ? "" : " " + update.getMessage()),
            true);
      }
    }
    return true;
  }

  /** Pushes {@code spec} and answers what the remote did with each ref. */
  private List<RemoteRefUpdate> pushUpdates(Repository repo, GitCredentials.Auth auth, String spec)
      throws GitAPIException {
    List<RemoteRefUpdate> updates = new ArrayList<>();
    Iterable<PushResult> results =
        Git.wrap(repo)
            .push()
            .setRemote(ORIGIN)
            .setRefSpecs(new RefSpec(spec))
            .setCredentialsProvider(auth.credentials())
            .setTransportConfigCallback(auth.transport())
            .setReceivePack(receivePack)
            .call();
    for (PushResult result : results) {
      updates.addAll(result.getRemoteUpdates());
    }
    return updates;
  }

  /** What a failed remote operation means for the caller, credentials redacted. */
  private StateStoreException failure(Exception e) {
    if (e instanceof StateStoreException known) {
      return known;
    }
    if (e instanceof InvalidRemoteException) {
      return new StateStoreException(
          "cannot reach " + StateStoreException.redact(url) + " (no repository there)", true);
    }
    if (e instanceof TransportException) {
      // JGit's message starts with the URL: "https://host/repo.git: not authorized".
      String detail = StateStoreException.redact(String.valueOf(e.getMessage()));
      String where = StateStoreException.redact(url);
      return new StateStoreException(
          "cannot write to " + (detail.startsWith(where) ? detail : where + ": " + detail),
          true,
          null);
    }
    // The local copy may be damaged: start from a fresh one next time.
    discardLocalCopy();
    return new StateStoreException(
        "writing to "
            + StateStoreException.redact(url)
            + " failed: "
            + StateStoreException.redact(String.valueOf(e.getMessage())),
        true,
        null);
  }

  /** A Git operation that talks to the remote. */
  @FunctionalInterface
  private interface RemoteCall<T> {
    T call() throws GitAPIException, IOException, StateStoreException;
  }

  /**
   * Runs {@code call} as a client span ({@code git fetch}, {@code git push}) of the current trace.
   */
  private <T> T traced(String operation, RemoteCall<T> call)
      throws GitAPIException, IOException, StateStoreException {
    Span span = telemetry.startGit(operation, name, branch);
    try (TraceScope scope = TraceScope.enter(span)) {
      T result = call.call();
      if (Boolean.FALSE.equals(result)) {
        span.setAttribute("pledge.rejected", true);
      }
      return result;
    } catch (GitAPIException | IOException | StateStoreException | RuntimeException e) {
      span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
      throw e;
    } finally {
      span.end();
    }
  }

  /** The tree of the branch head with {@code changes} applied. */
  private static TreeUpdate edits(
      ObjectReader reader, ObjectInserter inserter, RevTree baseTree, List<FolderChange> changes)
      throws IOException {
    TreeUpdate edits = new TreeUpdate();
    for (FolderChange change : changes) {
      if (change instanceof FolderChange.RemoveFolder remove) {
        edits.deleteTree(remove.path());
      } else if (change instanceof FolderChange.ReplaceFolder replace) {
        edits.deleteTree(replace.path());
        for (Map.Entry<String, byte[]> file : replace.files().entrySet()) {
          edits.put(file.getKey(), inserter.insert(Constants.OBJ_BLOB, file.getValue()));
        }
      } else if (change instanceof FolderChange.PutFile put) {
        edits.put(put.path(), inserter.insert(Constants.OBJ_BLOB, put.content()));
      } else if (change instanceof FolderChange.DeleteFile delete) {
        edits.delete(delete.path());
      } else if (change instanceof FolderChange.ReplaceListed listed) {
        Set<String> stale =
            new LinkedHashSet<>(listed(reader, baseTree, listed.path(), listed.listPrefix()));
        stale.removeAll(listed.files().keySet());
        stale.forEach(edits::delete);
        List<String> listing = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : listed.files().entrySet()) {
          edits.put(file.getKey(), inserter.insert(Constants.OBJ_BLOB, file.getValue()));
          listing.add(relativeTo(listed.listPrefix(), file.getKey()));
        }
        edits.put(
            listed.path(), inserter.insert(Constants.OBJ_BLOB, KratixStateFile.render(listing)));
      } else if (change instanceof FolderChange.RemoveListed listed) {
        listed(reader, baseTree, listed.path(), listed.listPrefix()).forEach(edits::delete);
        edits.delete(listed.path());
      }
    }
    return edits;
  }

  /** The full paths a state file in the base tree lists; none when it is not there. */
  private static List<String> listed(
      ObjectReader reader, RevTree baseTree, String stateFile, String listPrefix)
      throws IOException {
    List<String> paths = new ArrayList<>();
    if (baseTree == null) {
      return paths;
    }
    try (TreeWalk walk = TreeWalk.forPath(reader, stateFile, baseTree)) {
      if (walk == null) {
        return paths;
      }
      byte[] content = reader.open(walk.getObjectId(0)).getBytes();
      for (String listedPath : KratixStateFile.parse(content)) {
        try {
          paths.add(StateStoreLayout.join(listPrefix, StateStoreLayout.relative(listedPath)));
        } catch (IllegalArgumentException e) {
          LOG.warnf("State file %s lists a path outside the store, ignored: %s", stateFile, e);
        }
      }
    }
    return paths;
  }

  /** {@code path} relative to {@code prefix}; as it is when outside of it. */
  static String relativeTo(String prefix, String path) {
    if (prefix == null || prefix.isEmpty()) {
      return path;
    }
    return path.startsWith(prefix + "/") ? path.substring(prefix.length() + 1) : path;
  }

  private CommitBuilder commit(ObjectId tree, ObjectId parent, String message) {
    PersonIdent ident = new PersonIdent(authorName, authorEmail);
    CommitBuilder commit = new CommitBuilder();
    commit.setTreeId(tree);
    if (parent != null) {
      commit.setParentId(parent);
    }
    commit.setAuthor(ident);
    commit.setCommitter(ident);
    commit.setMessage(message.endsWith("\n") ? message : message + "\n");
    return commit;
  }

  /** Fetches the branch; answers its head, or null when the remote has no such branch yet. */
  private ObjectId fetch(Repository repo, GitCredentials.Auth auth)
      throws GitAPIException, IOException {
    String tracking = Constants.R_REMOTES + ORIGIN + "/" + branch;
    FetchResult fetched;
    try {
      fetched =
          Git.wrap(repo)
              .fetch()
              .setRemote(ORIGIN)
              .setRefSpecs(new RefSpec("+" + Constants.R_HEADS + branch + ":" + tracking))
              .setTagOpt(TagOpt.NO_TAGS)
              .setCredentialsProvider(auth.credentials())
              .setTransportConfigCallback(auth.transport())
              .call();
    } catch (TransportException e) {
      if (e.getMessage() == null || !e.getMessage().contains("does not have")) {
        throw e;
      }
      // An empty repository or a new branch: the first commit creates it.
      RefUpdate delete = repo.updateRef(tracking);
      delete.setForceUpdate(true);
      if (repo.exactRef(tracking) != null) {
        delete.delete();
      }
      return null;
    }
    TrackingRefUpdate update = fetched.getTrackingRefUpdate(tracking);
    if (update != null && !UPDATED.contains(update.getResult())) {
      // JGit reports a tracking ref it could not update without failing the fetch: building on the
      // old head would only be rejected, again and again.
      throw new IOException(
          "cannot update " + tracking + " in the local copy: " + update.getResult());
    }
    return repo.resolve(tracking);
  }

  /**
   * Pushes {@code commit}; false when another push got there first: the branch moved, or its ref
   * lock was held, which on all but the last attempt is most likely another writer's push.
   */
  private boolean pushed(Repository repo, GitCredentials.Auth auth, ObjectId commit, int attempt)
      throws GitAPIException, IOException, StateStoreException {
    try {
      return traced("push", () -> push(repo, auth, commit));
    } catch (RefLockHeldException e) {
      if (attempt >= pushAttempts) {
        throw e;
      }
      LOG.debugf("%s: %s; pushing again", name, e.getMessage());
      return false;
    }
  }

  /** Pushes {@code commit} to the branch; false when rejected because the branch moved. */
  private boolean push(Repository repo, GitCredentials.Auth auth, ObjectId commit)
      throws GitAPIException, IOException, StateStoreException {
    String local = Constants.R_HEADS + branch;
    setRef(repo, local, commit);
    for (RemoteRefUpdate update : pushUpdates(repo, auth, local + ":" + local)) {
      switch (update.getStatus()) {
        case OK, UP_TO_DATE -> {
          // pushed
        }
        case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
          return false;
        }
        case REJECTED_OTHER_REASON -> {
          if (!isLockFailure(update.getMessage())) {
            throw refused(update);
          }
          locks.lockRefused(update.getMessage());
          return false;
        }
        default -> throw refused(update);
      }
    }
    return true;
  }

  private StateStoreException refused(RemoteRefUpdate update) {
    return new StateStoreException(
        "push to "
            + StateStoreException.redact(url)
            + " branch "
            + branch
            + " refused: "
            + update.getStatus()
            + (update.getMessage() == null ? "" : " " + update.getMessage()),
        true);
  }

  /**
   * JGit's receive-pack says "failed to lock", git's "cannot lock ref ..." or, when the ref was
   * locked or had moved at the moment of its update, "failed to update ref".
   */
  private static boolean isLockFailure(String message) {
    if (message == null) {
      return false;
    }
    String lower = message.toLowerCase(Locale.ROOT);
    return lower.contains("lock") || lower.contains("failed to update ref");
  }

  private static void setRef(Repository repo, String ref, ObjectId id) throws IOException {
    RefUpdate update = repo.updateRef(ref);
    update.setNewObjectId(id);
    update.setForceUpdate(true);
    RefUpdate.Result result = update.update();
    if (result == RefUpdate.Result.LOCK_FAILURE
        || result == RefUpdate.Result.IO_FAILURE
        || result == RefUpdate.Result.REJECTED) {
      throw new IOException("cannot update " + ref + " in the local copy: " + result);
    }
  }

  private Repository repository() throws IOException, StateStoreException {
    if (repository == null) {
      Files.createDirectories(localDir);
      if (lease == null) {
        lease = LocalCopyLease.acquire(localDir);
        // Opened for the first time by this process: whatever an earlier one held is free now.
        locks.clearLocalCopy(localDir);
      }
      Repository repo = new FileRepositoryBuilder().setGitDir(localDir.toFile()).setBare().build();
      if (!repo.getObjectDatabase().exists()) {
        repo.create(true);
      }
      StoredConfig config = repo.getConfig();
      config.setString("remote", ORIGIN, "url", url);
      // JGit collects the local copy's garbage after a fetch when it needs it (gc.auto), by
      // default on a background thread, whose packing of the refs locks refs/heads/<branch> while
      // this writer updates it: the write failed with LOCK_FAILURE now and then. In the
      // foreground it runs between our ref updates, on the thread that makes them.
      config.setBoolean("gc", null, "autoDetach", false);
      config.save();
      repository = repo;
    }
    return repository;
  }

  private void discardLocalCopy() {
    closeRepository();
    // Deleted while the lease is still held, so that no other process is using it meanwhile.
    if (Files.exists(localDir)) {
      try (Stream<Path> files = Files.walk(localDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        LOG.warnf("%s: could not delete the local copy %s: %s", name, localDir, e.getMessage());
      }
    }
    releaseLease();
  }

  private void releaseLease() {
    if (lease != null) {
      lease.close();
      lease = null;
    }
  }

  private static void pause(Duration duration) throws StateStoreException {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StateStoreException("interrupted", true);
    }
  }

  /** Local paths become absolute so that the working directory does not matter later. */
  private static String normaliseUrl(String url) {
    if (!LocalReceivePack.isLocal(url) || url.startsWith("file:")) {
      return url;
    }
    return Path.of(url).toAbsolutePath().normalize().toString();
  }

  /** Runs {@code hook} between building a commit and pushing it: for tests of the push race. */
  void beforePush(Runnable hook) {
    this.beforePush = hook;
  }

  /** For tests: the time at which locks are judged, e.g. a restart long after a kill. */
  void clock(Clock clock) {
    locks.clock(clock);
  }

  @Override
  public synchronized void close() {
    closeRepository();
    releaseLease();
    credentials.close();
  }

  private void closeRepository() {
    if (repository != null) {
      repository.close();
      repository = null;
    }
  }
}
