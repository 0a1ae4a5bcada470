package io.pledge.writer.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.contract.kratix.SecretRef;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.writer.store.ContendedWriteException;
import io.pledge.writer.store.FolderChange;
import io.pledge.writer.store.StateStore;
import io.pledge.writer.store.StateStoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitStateStoreTest {

  @TempDir Path tmp;
  Path remote;
  GitStateStore store;

  @BeforeEach
  void setUp() {
    remote = GitFixtures.bareRepository(tmp.resolve("remote.git"), "main");
    store = store(remote.toUri().toString(), "main", tmp.resolve("local.git"));
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  GitStateStore store(String url, String branch, Path local) {
    return store(url, branch, local, 3, Duration.ofMillis(1));
  }

  GitStateStore store(
      String url, String branch, Path local, int pushAttempts, Duration contentionBackoff) {
    return new GitStateStore(
        "GitStateStore/test",
        url,
        branch,
        "kratix",
        "kratix@pledge.io",
        new GitCredentials(tmp.resolve("secrets"), null, null),
        local,
        pushAttempts,
        contentionBackoff);
  }

  static FolderChange.ReplaceFolder folder(String path, String... namesAndContents) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < namesAndContents.length; i += 2) {
      files.put(
          path + "/" + namesAndContents[i],
          namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return new FolderChange.ReplaceFolder(path, files);
  }

  String read(String path) {
    return GitFixtures.readFile(remote, "main", path).orElse(null);
  }

  @Test
  void writesFilesInOneCommitAndAnswersItsSha() throws Exception {
    StateStore.WriteResult result =
        store.write(
            List.of(folder("worker-1/resources/ns/p/a/configure/5058f", "cm.yaml", "a: 1")),
            "Update from: ns/p/a/configure.worker-1-5058f");

    assertThat(result.committed()).isTrue();
    assertThat(result.version()).isEqualTo(GitFixtures.head(remote, "main"));
    assertThat(read("worker-1/resources/ns/p/a/configure/5058f/cm.yaml")).isEqualTo("a: 1");
    RevCommit commit = GitFixtures.log(remote, "main").get(0);
    assertThat(commit.getFullMessage().trim())
        .isEqualTo("Update from: ns/p/a/configure.worker-1-5058f");
    assertThat(commit.getAuthorIdent().getName()).isEqualTo("kratix");
    assertThat(commit.getAuthorIdent().getEmailAddress()).isEqualTo("kratix@pledge.io");
    assertThat(read("README.md")).isNotNull();
  }

  @Test
  void replacesTheWholeFolderAndLeavesSiblingsAlone() throws Exception {
    store.write(
        List.of(
            folder("w/resources/ns/p/a/c/5058f", "one.yaml", "1", "two.yaml", "2"),
            folder("w/resources/ns/p/a/c/5058f-other", "keep.yaml", "k"),
            folder("w/resources/ns/p/a2/c/5058f", "keep.yaml", "k")),
        "first");

    store.write(List.of(folder("w/resources/ns/p/a/c/5058f", "one.yaml", "1b")), "second");

    assertThat(GitFixtures.listFiles(remote, "main"))
        .containsExactlyInAnyOrder(
            "README.md",
            "w/resources/ns/p/a/c/5058f/one.yaml",
            "w/resources/ns/p/a/c/5058f-other/keep.yaml",
            "w/resources/ns/p/a2/c/5058f/keep.yaml");
    assertThat(read("w/resources/ns/p/a/c/5058f/one.yaml")).isEqualTo("1b");
  }

  @Test
  void makesNoCommitWhenNothingChanged() throws Exception {
    List<FolderChange> changes = List.of(folder("w/dependencies/p/5058f", "deps.yaml", "x"));
    StateStore.WriteResult first = store.write(changes, "first");
    int commits = GitFixtures.log(remote, "main").size();

    StateStore.WriteResult again = store.write(changes, "again");

    assertThat(again.committed()).isFalse();
    assertThat(again.version())
        .isEqualTo(first.version())
        .isEqualTo(GitFixtures.head(remote, "main"));
    assertThat(GitFixtures.log(remote, "main")).hasSize(commits);
  }

  @Test
  void stateFileTracksFlatFilesAndCleansUpStaleOnes() throws Exception {
    String stateFile = "clusters/w/.kratix/default-p-a-c-12345.w-5058f.yaml";
    store.write(
        List.of(
            new FolderChange.ReplaceListed(
                stateFile,
                "clusters",
                new java.util.TreeMap<>(
                    Map.of(
                        "clusters/w/a.yaml",
                        "a".getBytes(),
                        "clusters/w/b.yaml",
                        "b".getBytes())))),
        "first");
    assertThat(read(stateFile)).isEqualTo("files:\n- w/a.yaml\n- w/b.yaml\n");

    store.write(
        List.of(
            new FolderChange.ReplaceListed(
                stateFile, "clusters", Map.of("clusters/w/a.yaml", "a2".getBytes()))),
        "second");

    assertThat(GitFixtures.listFiles(remote, "main"))
        .containsExactlyInAnyOrder("README.md", stateFile, "clusters/w/a.yaml");
    assertThat(read("clusters/w/a.yaml")).isEqualTo("a2");

    store.write(List.of(new FolderChange.RemoveListed(stateFile, "clusters")), "delete");

    assertThat(GitFixtures.listFiles(remote, "main")).containsExactly("README.md");
  }

  @Test
  void deletesSingleFilesAndIgnoresMissingOnes() throws Exception {
    store.write(List.of(new FolderChange.PutFile("w/agg.yaml", "x".getBytes())), "add");

    store.write(
        List.of(
            new FolderChange.DeleteFile("w/agg.yaml"),
            new FolderChange.DeleteFile("w/never-there.yaml")),
        "delete");

    assertThat(GitFixtures.listFiles(remote, "main")).containsExactly("README.md");
  }

  @Test
  void laterChangeToTheSameFileWins() throws Exception {
    store.write(
        List.of(
            new FolderChange.PutFile("w/shared.yaml", "first".getBytes()),
            new FolderChange.DeleteFile("w/shared.yaml"),
            new FolderChange.PutFile("w/shared.yaml", "last".getBytes()),
            new FolderChange.PutFile("w/gone.yaml", "x".getBytes()),
            new FolderChange.DeleteFile("w/gone.yaml")),
        "collide");

    assertThat(read("w/shared.yaml")).isEqualTo("last");
    assertThat(read("w/gone.yaml")).isNull();
  }

  @Test
  void removesFolders() throws Exception {
    store.write(
        List.of(folder("w/resources/ns/p/a/c/5058f", "x.yaml", "x"), folder("w/other", "y", "y")),
        "add");

    StateStore.WriteResult result =
        store.write(List.of(new FolderChange.RemoveFolder("w/resources/ns/p/a")), "Delete from: a");

    assertThat(result.committed()).isTrue();
    assertThat(GitFixtures.listFiles(remote, "main"))
        .containsExactlyInAnyOrder("README.md", "w/other/y");
  }

  @Test
  void putsSingleFilesWithoutTouchingTheirSiblings() throws Exception {
    store.write(List.of(folder("w/dependencies/p/5058f", "deps.yaml", "x")), "deps");

    store.write(
        List.of(new FolderChange.PutFile("w/dependencies/canary.yaml", "c".getBytes())), "canary");

    assertThat(GitFixtures.listFiles(remote, "main"))
        .contains("w/dependencies/p/5058f/deps.yaml", "w/dependencies/canary.yaml");
  }

  @Test
  void keepsCommitsPushedByOthersSinceTheLastWrite() throws Exception {
    store.write(List.of(folder("w/a", "a.yaml", "a")), "ours");
    String outside = pushFromOutside("outside.yaml");

    store.write(List.of(folder("w/b", "b.yaml", "b")), "ours again");

    assertThat(read("outside.yaml")).isEqualTo("outside");
    assertThat(read("w/a/a.yaml")).isEqualTo("a");
    assertThat(GitFixtures.log(remote, "main").get(0).getParent(0).getName()).isEqualTo(outside);
  }

  @Test
  void redoesTheCommitOnTheNewHeadWhenThePushIsRejected() throws Exception {
    AtomicInteger outsidePushes = new AtomicInteger();
    store.beforePush(
        () -> {
          if (outsidePushes.getAndIncrement() == 0) {
            pushFromOutside("raced.yaml");
          }
        });

    StateStore.WriteResult result = store.write(List.of(folder("w/a", "a.yaml", "a")), "ours");

    assertThat(outsidePushes).hasValue(2);
    assertThat(result.version()).isEqualTo(GitFixtures.head(remote, "main"));
    assertThat(read("raced.yaml")).isEqualTo("outside");
    assertThat(read("w/a/a.yaml")).isEqualTo("a");
  }

  @Test
  void givesUpAfterTheConfiguredNumberOfRejectedPushes() {
    store.beforePush(() -> pushFromOutside("again-" + System.nanoTime()));

    assertThatThrownBy(() -> store.write(List.of(folder("w/a", "a.yaml", "a")), "ours"))
        .isInstanceOfSatisfying(
            ContendedWriteException.class,
            e -> {
              assertThat(e.isTransient()).isTrue();
              assertThat(e.getMessage()).contains("rejected 3 times");
            });
  }

  @Test
  void theWriteCheckPushesAndLeavesNothingBehind() throws Exception {
    String head = GitFixtures.head(remote, "main");

    store.checkWrite();

    assertThat(GitFixtures.head(remote, "main")).isEqualTo(head);
    try (Git git = Git.open(remote.toFile())) {
      assertThat(git.getRepository().getRefDatabase().getRefsByPrefix("refs/pledge/")).isEmpty();
    }
  }

  @Test
  void theWriteCheckFailsWithTheReasonWhenTheRemoteRefusesPushes() throws Exception {
    refuseEveryPush(remote, "permission denied for kratix");

    assertThatThrownBy(store::checkWrite)
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("refused")
        .hasMessageContaining(remote.toUri().toString());
  }

  @Test
  void theWriteCheckOfAMissingRepositorySaysNothingIsThere() {
    GitStateStore missing =
        store(tmp.resolve("nowhere.git").toUri().toString(), "main", tmp.resolve("other.git"));
    try {
      assertThatThrownBy(missing::checkWrite)
          .isInstanceOf(StateStoreException.class)
          .hasMessageContaining("no repository there");
    } finally {
      missing.close();
    }
  }

  /** A pre-receive hook that turns every push down, as a server denying write access does. */
  static void refuseEveryPush(Path bare, String why) throws Exception {
    Path hook = bare.resolve("hooks/pre-receive");
    Files.createDirectories(hook.getParent());
    Files.writeString(hook, "#!/bin/sh\necho '" + why + "' >&2\nexit 1\n");
    hook.toFile().setExecutable(true);
  }

  /** Takes {@link #refuseEveryPush} back. */
  static void allowPushes(Path bare) throws Exception {
    Files.deleteIfExists(bare.resolve("hooks/pre-receive"));
  }

  @Test
  void aRepositoryOnThisMachineReceivesPushesInGitsOwnProcess() throws Exception {
    store.write(List.of(folder("w/a", "a.yaml", "a")), "ours");

    // JGit receiving in the writer's process stores every push as a pack; git-receive-pack
    // unpacks a small one into loose objects.
    try (Stream<Path> objects = Files.walk(remote.resolve("objects"))) {
      assertThat(
              objects
                  .filter(Files::isRegularFile)
                  .map(p -> remote.resolve("objects").relativize(p).toString())
                  .filter(p -> p.matches("[0-9a-f]{2}/[0-9a-f]{38}")))
          .as("loose objects written by git-receive-pack")
          .isNotEmpty();
    }
    assertThat(read("w/a/a.yaml")).isEqualTo("a");
  }

  @Test
  void theLocalCopysGarbageIsCollectedOnTheWritersThreadNotBehindIt() throws Exception {
    store.write(List.of(folder("w/0", "f.yaml", "0")), "write 0");
    // Make every fetch find the local copy in need of a GC (more than one pack).
    Path local = tmp.resolve("local.git");
    try (Git git = Git.open(local.toFile())) {
      StoredConfig config = git.getRepository().getConfig();
      config.setInt("gc", null, "autoPackLimit", 1);
      config.save();
    }

    for (int i = 1; i <= 6; i++) {
      pushFromOutside("outside-" + i + ".yaml"); // the next fetch brings a pack
      store.write(List.of(folder("w/" + i, "f.yaml", "" + i)), "write " + i);

      // Done by the time the write returns: a GC in the background would still be writing packs.
      List<String> atReturn = packs(local);
      Thread.sleep(500);
      assertThat(packs(local)).isEqualTo(atReturn);
    }
  }

  static List<String> packs(Path gitDir) throws Exception {
    try (Stream<Path> files = Files.list(gitDir.resolve("objects/pack"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".pack"))
          .sorted()
          .toList();
    }
  }

  @Test
  void twoWritersOnOneBranchLandEveryWrite() throws Exception {
    // Two writer instances with the service's settings, writing to one branch as fast as they can:
    // each push races the other's, and every write must still land, none failing.
    int writes = 25;
    List<GitStateStore> writers =
        List.of(
            serviceStore(tmp.resolve("writer-1.git")), serviceStore(tmp.resolve("writer-2.git")));
    CyclicBarrier start = new CyclicBarrier(writers.size());
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int w = 0; w < writers.size(); w++) {
      GitStateStore writer = writers.get(w);
      String folder = "w" + w;
      done.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  start.await();
                  for (int i = 0; i < writes; i++) {
                    writer.write(List.of(folder(folder + "/" + i, "f.yaml", "" + i)), "write " + i);
                  }
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              }));
    }
    try {
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    } finally {
      writers.forEach(GitStateStore::close);
    }

    // The initial commit's README, then one file and one commit per write.
    assertThat(GitFixtures.listFiles(remote, "main"))
        .hasSize(1 + 2 * writes)
        .contains("w1/24/f.yaml");
    assertThat(GitFixtures.log(remote, "main")).hasSize(1 + 2 * writes);
  }

  /** A store as the service builds it: its default push attempts and contention backoff. */
  GitStateStore serviceStore(Path local) {
    return store(
        remote.toUri().toString(),
        "main",
        local,
        GitStateStores.DEFAULT_PUSH_ATTEMPTS,
        GitStateStores.CONTENTION_BACKOFF);
  }

  @Test
  void commitsManyPlacementsInOneCommit() throws Exception {
    int before = GitFixtures.log(remote, "main").size();
    List<FolderChange> changes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      changes.add(folder("w/resources/ns/p/r" + i + "/c/5058f", "cm.yaml", "i: " + i));
    }

    store.write(changes, "Update from: 200 placements");

    assertThat(GitFixtures.log(remote, "main")).hasSize(before + 1);
    assertThat(GitFixtures.listFiles(remote, "main")).hasSize(201);
  }

  @Test
  void createsTheBranchInAnEmptyRepository() throws Exception {
    Path empty = tmp.resolve("empty.git");
    Git.init().setBare(true).setDirectory(empty.toFile()).call().close();
    try (GitStateStore fresh = store(empty.toString(), "main", tmp.resolve("fresh.git"))) {
      StateStore.WriteResult result = fresh.write(List.of(folder("w/a", "a.yaml", "a")), "first");

      assertThat(result.version()).isEqualTo(GitFixtures.head(empty, "main"));
      assertThat(GitFixtures.readFile(empty, "main", "w/a/a.yaml")).contains("a");
    }
  }

  @Test
  void acceptsAPlainLocalPathAsUrl() throws Exception {
    try (GitStateStore byPath = store(remote.toString(), "main", tmp.resolve("bypath.git"))) {
      byPath.write(List.of(folder("w/a", "a.yaml", "a")), "by path");
    }

    assertThat(read("w/a/a.yaml")).isEqualTo("a");
  }

  @Test
  void unreachableRemoteIsATransientFailure() {
    try (GitStateStore missing =
        store(tmp.resolve("nowhere.git").toString(), "main", tmp.resolve("missing.git"))) {
      assertThatThrownBy(() -> missing.write(List.of(folder("w/a", "a.yaml", "a")), "x"))
          .isInstanceOfSatisfying(
              StateStoreException.class, e -> assertThat(e.isTransient()).isTrue());
    }
  }

  @Test
  void missingSecretIsATransientFailureNamingTheSecretButNoValue() {
    GitCredentials credentials =
        new GitCredentials(tmp.resolve("secrets"), new SecretRef("git-creds", null), "basicAuth");

    assertThatThrownBy(credentials::provider)
        .isInstanceOfSatisfying(
            StateStoreException.class,
            e -> {
              assertThat(e.isTransient()).isTrue();
              assertThat(e.getMessage()).contains("default/git-creds").contains("username");
            });
  }

  @Test
  void readsBasicAuthFromTheSecretsDirectory() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("secrets/team/git-creds"));
    Files.writeString(dir.resolve("username"), "pledge\n");
    Files.writeString(dir.resolve("password"), "s3cret\n");

    GitCredentials credentials =
        new GitCredentials(tmp.resolve("secrets"), new SecretRef("git-creds", "team"), null);

    assertThat(credentials.provider()).isNotNull();
  }

  @Test
  void unsupportedAuthMethodIsPermanent() {
    GitCredentials credentials =
        new GitCredentials(tmp.resolve("secrets"), new SecretRef("k", null), "githubApp");

    assertThatThrownBy(credentials::provider)
        .isInstanceOfSatisfying(
            StateStoreException.class, e -> assertThat(e.isTransient()).isFalse());
  }

  @Test
  void redactsCredentialsInUrls() {
    assertThat(StateStoreException.redact("cannot reach https://user:token@git.example/repo.git"))
        .isEqualTo("cannot reach https://git.example/repo.git");
  }

  /** Commits {@code file} to the remote from another clone; answers the new head. */
  String pushFromOutside(String file) {
    try {
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
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
