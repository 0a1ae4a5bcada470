package io.pledge.writer.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pledge.testkit.git.GitFixtures;
import io.pledge.writer.store.FolderChange;
import io.pledge.writer.store.StateStore;
import io.pledge.writer.store.StateStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.internal.storage.file.LockFile;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer killed mid-write ({@code kill -9}) leaves Git lock files behind, in the store and in its
 * local copy; the next writer recovers from them, and never from a lock a live writer holds.
 *
 * <p>The kill is real: a writer process is held inside its ref update (Git writes the reflog
 * between taking a ref's lock and renaming the lock into place; a named pipe in the reflog's place
 * blocks it there) and killed with SIGKILL.
 */
class GitStateStoreLockTest {

  @TempDir Path tmp;
  Path remote;
  final List<GitStateStore> stores = new ArrayList<>();
  final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void setUp() {
    remote = GitFixtures.bareRepository(tmp.resolve("remote.git"), "main");
    Logger.getLogger(RefLockRecovery.class.getName()).addHandler(capture);
  }

  @AfterEach
  void tearDown() {
    Logger.getLogger(RefLockRecovery.class.getName()).removeHandler(capture);
    stores.forEach(GitStateStore::close);
  }

  @Test
  void aRefLockLeftInTheStoreByAWriterKilledMidPushIsRemovedOnceStale() throws Exception {
    Path lock = killMidWrite(remote, tmp.resolve("killed.git"), remote.resolve("refs/heads/main"));
    byte[] lockContent = Files.readAllBytes(lock);

    // Restarted at once: for all it can tell, another writer is pushing.
    GitStateStore restarted = store(tmp.resolve("restarted.git"));
    assertThatThrownBy(() -> restarted.write(put("w/after.yaml", "after"), "after the kill"))
        .isInstanceOfSatisfying(
            StateStoreException.class,
            e -> {
              assertThat(e.isTransient()).isTrue();
              assertThat(e.getMessage())
                  .contains(lock.toString())
                  .contains("is held")
                  .contains("pledge.writer.stale-lock-age");
            });
    assertThat(lock).exists().hasBinaryContent(lockContent);

    // Retried two minutes after the kill: nobody pushes for that long while holding a lock.
    restarted.clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));
    StateStore.WriteResult result = restarted.write(put("w/after.yaml", "after"), "after the kill");

    assertThat(result.committed()).isTrue();
    assertThat(result.version()).isEqualTo(GitFixtures.head(remote, "main"));
    assertThat(GitFixtures.readFile(remote, "main", "w/after.yaml")).contains("after");
    assertThat(GitFixtures.readFile(remote, "main", "w/killed.yaml")).isEmpty();
    assertThat(lock).doesNotExist();
    assertThat(filesIn(remote.resolve("refs/heads"))).containsExactly("main");
    assertThat(warnings())
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains("removed the stale lock " + lock)
                    .contains("killed mid-push")
                    .containsPattern("\\(1[0-9]{2} s old"));
  }

  @Test
  void aLiveWritersRefLockIsLeftToItAndTheWriteFailsNamingIt() throws Exception {
    StateStore.WriteResult first = store(tmp.resolve("first.git")).write(put("w/a.yaml", "a"), "a");
    LockFile live = new LockFile(remote.resolve("refs/heads/main").toFile());
    assertThat(live.lock()).isTrue();
    ObjectId theirs = ObjectId.fromString(pushFromOutsideWithoutUpdatingTheRef());
    live.write(theirs);

    GitStateStore store = store(tmp.resolve("local.git"));
    assertThatThrownBy(() -> store.write(put("w/b.yaml", "b"), "b"))
        .isInstanceOfSatisfying(
            StateStoreException.class,
            e ->
                assertThat(e.getMessage())
                    .contains(remote.resolve("refs/heads/main.lock").toString())
                    .contains("is held"));

    // The other writer's ref update goes through as if nothing happened.
    assertThat(live.commit()).isTrue();
    assertThat(GitFixtures.head(remote, "main"))
        .isEqualTo(theirs.name())
        .isNotEqualTo(first.version());
    StateStore.WriteResult after = store.write(put("w/b.yaml", "b"), "b");
    assertThat(GitFixtures.log(remote, "main").get(0).getParent(0).getName())
        .isEqualTo(theirs.name());
    assertThat(after.version()).isEqualTo(GitFixtures.head(remote, "main"));
    assertThat(warnings()).isEmpty();
  }

  @Test
  void aLockLeftInTheLocalCopyByAWriterKilledMidFetchIsRemovedOnRestart() throws Exception {
    Path local = tmp.resolve("local.git");
    try (GitStateStore before = newStore(local)) {
      before.write(put("w/a.yaml", "a"), "a");
    }
    pushFromOutside("outside.yaml");
    Path lock = killMidWrite(remote, local, local.resolve("refs/remotes/origin/main"));

    // The lock is seconds old: it is removed because no live process can hold the local copy.
    GitStateStore restarted = store(local);
    StateStore.WriteResult result = restarted.write(put("w/b.yaml", "b"), "b");

    assertThat(result.version()).isEqualTo(GitFixtures.head(remote, "main"));
    assertThat(GitFixtures.readFile(remote, "main", "outside.yaml")).contains("outside");
    assertThat(GitFixtures.readFile(remote, "main", "w/b.yaml")).contains("b");
    assertThat(lock).doesNotExist();
    assertThat(warnings())
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains("removed the stale lock refs/remotes/origin/main.lock")
                    .contains("local copy " + local));
  }

  @Test
  void aLocalCopyInUseByAnotherWriterIsNotTouched() throws Exception {
    Path local = tmp.resolve("shared.git");
    GitStateStore first = store(local);
    first.write(put("w/a.yaml", "a"), "a");
    GitStateStore second = store(local);

    assertThatThrownBy(() -> second.write(put("w/b.yaml", "b"), "b"))
        .isInstanceOfSatisfying(
            StateStoreException.class,
            e -> assertThat(e.getMessage()).contains(local.toString()).contains("in use"));

    first.close();
    second.write(put("w/b.yaml", "b"), "b");
    assertThat(GitFixtures.listFiles(remote, "main")).contains("w/a.yaml", "w/b.yaml");
  }

  /**
   * Runs a writer process that writes to {@code remote} through {@code localDir} and kills it
   * (SIGKILL) while it holds the lock of {@code ref}, a ref file of the repository at {@code
   * gitDir}'s root; answers the lock it left.
   */
  Path killMidWrite(Path remote, Path localDir, Path ref) throws Exception {
    Path gitDir = ref.getParent();
    while (!Files.exists(gitDir.resolve("HEAD"))) {
      gitDir = gitDir.getParent();
    }
    try (Git git = Git.open(gitDir.toFile())) {
      StoredConfig config = git.getRepository().getConfig();
      config.setString("core", null, "logAllRefUpdates", "true");
      config.save();
    }
    Path reflog = gitDir.resolve("logs").resolve(gitDir.relativize(ref));
    Files.createDirectories(reflog.getParent());
    Files.deleteIfExists(reflog);
    Process mkfifo = new ProcessBuilder("mkfifo", reflog.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).as("mkfifo " + reflog).isZero();

    Path lock = ref.resolveSibling(ref.getFileName() + ".lock");
    ProcessBuilder process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                WriterProcess.class.getName(),
                remote.toUri().toString(),
                localDir.toString(),
                "w/killed.yaml",
                "killed")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("writer-process.log").toFile());
    // Without Git on its PATH the writer receives its push in process (LocalReceivePack), so the
    // kill leaves the remote's lock behind as a killed JGit or Git server would; git-receive-pack
    // in a process of its own would outlive the kill and release it.
    process.environment().put("PATH", tmp.resolve("no-git").toString());
    Process writer = process.start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                assertThat(writer.isAlive()).as("the writer ended early: %s", log()).isTrue();
                return Files.exists(lock);
              });
    } finally {
      writer.destroyForcibly(); // SIGKILL
      writer.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(reflog);
    }
    assertThat(lock).as("the lock the killed writer held").exists();
    return lock;
  }

  String log() throws IOException {
    return Files.readString(tmp.resolve("writer-process.log"));
  }

  GitStateStore store(Path local) {
    GitStateStore store = newStore(local);
    stores.add(store);
    return store;
  }

  GitStateStore newStore(Path local) {
    return new GitStateStore(
        "GitStateStore/test",
        remote.toUri().toString(),
        "main",
        "kratix",
        "kratix@pledge.io",
        new GitCredentials(tmp.resolve("secrets"), null, null),
        local,
        3,
        Duration.ofMillis(1));
  }

  static List<FolderChange> put(String path, String content) {
    return List.of(new FolderChange.PutFile(path, content.getBytes(StandardCharsets.UTF_8)));
  }

  List<String> warnings() {
    return logged.stream()
        .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
        .map(r -> r instanceof ExtLogRecord ext ? ext.getFormattedMessage() : r.getMessage())
        .toList();
  }

  static List<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }

  /** Commits {@code file} to the remote from another clone; answers the new head. */
  String pushFromOutside(String file) throws Exception {
    Path work = Files.createTempDirectory(tmp, "outside");
    try (Git git =
        Git.cloneRepository()
            .setURI(remote.toUri().toString())
            .setDirectory(work.toFile())
            .setBranch("main")
            .call()) {
      Files.writeString(work.resolve(file), "outside");
      git.add().addFilepattern(file).call();
      RevCommit commit =
          git.commit().setMessage("outside").setAuthor("someone", "s@example.com").call();
      git.push().call();
      return commit.getName();
    }
  }

  /**
   * Puts a commit on top of the remote's head into the remote's objects, as a push does before it
   * updates the ref; answers it.
   */
  String pushFromOutsideWithoutUpdatingTheRef() throws Exception {
    Path work = Files.createTempDirectory(tmp, "theirs");
    try (Git git =
        Git.cloneRepository()
            .setURI(remote.toUri().toString())
            .setDirectory(work.toFile())
            .setBranch("main")
            .call()) {
      Files.writeString(work.resolve("theirs.yaml"), "theirs");
      git.add().addFilepattern("theirs.yaml").call();
      RevCommit commit =
          git.commit().setMessage("theirs").setAuthor("someone", "s@example.com").call();
      git.push()
          .setRefSpecs(new org.eclipse.jgit.transport.RefSpec("main:refs/pending/theirs"))
          .call();
      return commit.getName();
    }
  }
}
