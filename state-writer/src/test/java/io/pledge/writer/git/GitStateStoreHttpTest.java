package io.pledge.writer.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.contract.kratix.SecretRef;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.testkit.git.SmartHttpGitServer;
import io.pledge.writer.store.FolderChange;
import io.pledge.writer.store.StateStore;
import io.pledge.writer.store.StateStoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GitStateStore over smart HTTP with basic auth, the way it talks to GitHub or Gitea. */
class GitStateStoreHttpTest {

  static final String PASSWORD = "correct-horse-battery";

  @TempDir Path tmp;
  Path remote;
  SmartHttpGitServer server;
  Path secret;
  GitStateStore store;

  @BeforeEach
  void setUp() throws Exception {
    remote = GitFixtures.bareRepository(tmp.resolve("repos/state.git"), "main");
    server = SmartHttpGitServer.start(tmp.resolve("repos"), "pledge", PASSWORD);
    secret = Files.createDirectories(tmp.resolve("secrets/default/git-creds"));
    Files.writeString(secret.resolve("username"), "pledge\n");
    store =
        new GitStateStore(
            "GitStateStore/http",
            server.url("state.git"),
            "main",
            "kratix",
            "kratix@pledge.io",
            new GitCredentials(tmp.resolve("secrets"), new SecretRef("git-creds", null), null),
            tmp.resolve("local.git"),
            3,
            Duration.ofMillis(1));
  }

  @AfterEach
  void tearDown() {
    store.close();
    server.close();
  }

  static List<FolderChange> change(String content) {
    return List.of(
        new FolderChange.ReplaceFolder(
            "w/resources/ns/p/a/c/5058f",
            Map.of("w/resources/ns/p/a/c/5058f/a.yaml", content.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void pushesOverSmartHttpWithBasicAuth() throws Exception {
    Files.writeString(secret.resolve("password"), PASSWORD + "\n");

    StateStore.WriteResult result = store.write(change("a: 1"), "Update from: a");

    assertThat(result.committed()).isTrue();
    assertThat(result.version()).isEqualTo(GitFixtures.head(remote, "main"));
    assertThat(GitFixtures.readFile(remote, "main", "w/resources/ns/p/a/c/5058f/a.yaml"))
        .contains("a: 1");
  }

  @Test
  void wrongPasswordFailsWithAClearReasonThenRecoversOnceTheSecretIsFixed() throws Exception {
    Files.writeString(secret.resolve("password"), "wrong-password\n");

    assertThatThrownBy(() -> store.write(change("a: 1"), "Update from: a"))
        .isInstanceOfSatisfying(
            StateStoreException.class,
            e -> {
              assertThat(e.isTransient()).isTrue();
              assertThat(e.getMessage())
                  .contains(server.url("state.git"))
                  .containsIgnoringCase("not authorized")
                  .doesNotContain("wrong-password");
            });
    assertThat(server.refused()).isPositive();

    Files.writeString(secret.resolve("password"), PASSWORD + "\n");
    StateStore.WriteResult result = store.write(change("a: 1"), "Update from: a");

    assertThat(result.version()).isEqualTo(GitFixtures.head(remote, "main"));
  }

  @Test
  void noCredentialsAtAllIsRefused() {
    try (GitStateStore anonymous =
        new GitStateStore(
            "GitStateStore/anonymous",
            server.url("state.git"),
            "main",
            "kratix",
            "kratix@pledge.io",
            new GitCredentials(tmp.resolve("secrets"), null, null),
            tmp.resolve("anon.git"),
            3,
            Duration.ofMillis(1))) {
      assertThatThrownBy(() -> anonymous.write(change("a: 1"), "x"))
          .isInstanceOfSatisfying(
              StateStoreException.class, e -> assertThat(e.isTransient()).isTrue());
    }
  }

  @Test
  void aRefLockedOnTheServerFailsWithAClearReasonAndIsLeftToTheServer() throws Exception {
    Files.writeString(secret.resolve("password"), PASSWORD + "\n");
    // Left there an hour ago by a push the server lost; the writer cannot tell, nor reach it.
    Path lock = remote.resolve("refs/heads/main.lock");
    Files.writeString(lock, "");
    Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(Duration.ofHours(1))));

    assertThatThrownBy(() -> store.write(change("a: 1"), "Update from: a"))
        .isInstanceOfSatisfying(
            StateStoreException.class,
            e -> {
              assertThat(e.isTransient()).isTrue();
              assertThat(e.getMessage())
                  .contains(server.url("state.git"))
                  .contains("the server could not lock refs/heads/main")
                  .contains("only its administrators can remove it");
            });
    assertThat(lock).exists();
  }
}
