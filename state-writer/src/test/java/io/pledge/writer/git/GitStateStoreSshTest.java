package io.pledge.writer.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.contract.kratix.SecretRef;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.testkit.git.SshGitServer;
import io.pledge.writer.store.FolderChange;
import io.pledge.writer.store.StateStore;
import io.pledge.writer.store.StateStoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GitStateStore over ssh (authMethod ssh) against an in-process SSH Git server. */
class GitStateStoreSshTest {

  @TempDir Path tmp;
  KeyPair clientKey;
  Path remote;
  SshGitServer server;
  Path secret;
  GitStateStore store;

  @BeforeEach
  void setUp() throws Exception {
    clientKey = SshGitServer.generateKeyPair();
    remote = GitFixtures.bareRepository(tmp.resolve("repos/state.git"), "main");
    server = SshGitServer.start(tmp.resolve("repos"), "git", clientKey.getPublic());
    secret = Files.createDirectories(tmp.resolve("secrets/default/git-ssh"));
    Files.writeString(secret.resolve("sshPrivateKey"), SshGitServer.openSshPrivateKey(clientKey));
    Files.writeString(secret.resolve("knownHosts"), server.knownHostsLine() + "\n");
    store =
        new GitStateStore(
            "GitStateStore/ssh",
            server.url("git", "state.git"),
            "main",
            "kratix",
            "kratix@pledge.io",
            new GitCredentials(
                tmp.resolve("secrets"),
                new SecretRef("git-ssh", null),
                "ssh",
                tmp.resolve("work/ssh-home")),
            tmp.resolve("work/local.git"),
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
  void pushesOverSshWithThePrivateKeyAndKnownHosts() throws Exception {
    StateStore.WriteResult result = store.write(change("a: 1"), "Update from: a");

    assertThat(result.committed()).isTrue();
    assertThat(result.version()).isEqualTo(GitFixtures.head(remote, "main"));
    assertThat(GitFixtures.readFile(remote, "main", "w/resources/ns/p/a/c/5058f/a.yaml"))
        .contains("a: 1");

    StateStore.WriteResult again = store.write(change("a: 2"), "Update from: a");
    assertThat(again.version()).isEqualTo(GitFixtures.head(remote, "main"));
  }

  @Test
  void acceptsAHashedKnownHostsEntry() throws Exception {
    String[] parts = server.knownHostsLine().split(" ", 2);
    Files.writeString(secret.resolve("knownHosts"), hashed(parts[0]) + " " + parts[1] + "\n");

    store.write(change("a: 1"), "Update from: a");

    assertThat(GitFixtures.readFile(remote, "main", "w/resources/ns/p/a/c/5058f/a.yaml"))
        .contains("a: 1");
  }

  @Test
  void refusesAServerWhoseHostKeyIsNotListed() throws Exception {
    KeyPair other = SshGitServer.generateKeyPair();
    Files.writeString(
        secret.resolve("knownHosts"),
        "[127.0.0.1]:" + server.port() + " " + PublicKeyEntry.toString(other.getPublic()) + "\n");

    assertThatThrownBy(() -> store.write(change("a: 1"), "Update from: a"))
        .isInstanceOfSatisfying(
            StateStoreException.class,
            e -> {
              assertThat(e.isTransient()).isTrue();
              assertThat(e.getMessage())
                  .contains("ssh://127.0.0.1:" + server.port() + "/state.git")
                  .contains("Server key did not validate");
            });
    assertThat(GitFixtures.log(remote, "main")).hasSize(1);
  }

  @Test
  void unknownClientKeyFailsThenRecoversOnceTheSecretIsFixed() throws Exception {
    Files.writeString(
        secret.resolve("sshPrivateKey"),
        SshGitServer.openSshPrivateKey(SshGitServer.generateKeyPair()));

    assertThatThrownBy(() -> store.write(change("a: 1"), "Update from: a"))
        .isInstanceOfSatisfying(
            StateStoreException.class,
            e -> {
              assertThat(e.isTransient()).isTrue();
              assertThat(e.getMessage()).doesNotContain("PRIVATE KEY");
            });
    assertThat(server.refused()).isPositive();

    Files.writeString(secret.resolve("sshPrivateKey"), SshGitServer.openSshPrivateKey(clientKey));
    store.write(change("a: 1"), "Update from: a");

    assertThat(GitFixtures.readFile(remote, "main", "w/resources/ns/p/a/c/5058f/a.yaml"))
        .contains("a: 1");
  }

  @Test
  void missingKnownHostsIsATransientFailureNamingTheKey() throws Exception {
    Files.delete(secret.resolve("knownHosts"));

    assertThatThrownBy(() -> store.write(change("a: 1"), "x"))
        .isInstanceOfSatisfying(
            StateStoreException.class,
            e -> {
              assertThat(e.isTransient()).isTrue();
              assertThat(e.getMessage()).contains("default/git-ssh").contains("'knownHosts'");
            });
  }

  @Test
  void unreadablePrivateKeyIsReportedWithoutItsContent() throws Exception {
    Files.writeString(
        secret.resolve("sshPrivateKey"),
        "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-really-a-key-s3cr3t\n-----END OPENSSH PRIVATE KEY-----\n");

    assertThatThrownBy(() -> store.write(change("a: 1"), "x"))
        .isInstanceOfSatisfying(
            StateStoreException.class,
            e -> {
              assertThat(e.isTransient()).isTrue();
              assertThat(e.getMessage()).contains("'sshPrivateKey'").doesNotContain("s3cr3t");
            });
  }

  @Test
  void knownHostsMatchesHostAndPortAndSkipsRevokedAndBrokenLines() {
    KeyPair a = SshGitServer.generateKeyPair();
    KeyPair b = SshGitServer.generateKeyPair();
    KnownHosts hosts =
        KnownHosts.parse(
            "# comment\n"
                + "github.com "
                + PublicKeyEntry.toString(a.getPublic())
                + "\n"
                + "[git.example]:2222 "
                + PublicKeyEntry.toString(b.getPublic())
                + "\n"
                + "@revoked other.example "
                + PublicKeyEntry.toString(b.getPublic())
                + "\n"
                + "broken.example ssh-rsa notbase64!!\n");

    assertThat(hosts.trusts("github.com", 22, a.getPublic())).isTrue();
    assertThat(hosts.trusts("github.com", 22, b.getPublic())).isFalse();
    assertThat(hosts.trusts("git.example", 2222, b.getPublic())).isTrue();
    assertThat(hosts.trusts("git.example", 22, b.getPublic())).isFalse();
    assertThat(hosts.keysFor("other.example", 22)).isEmpty();
    assertThat(hosts.keysFor("broken.example", 22)).isEmpty();
  }

  @Test
  void knownHostsWithoutAnyUsableKeyIsRefused() {
    assertThatThrownBy(() -> KnownHosts.parse("# nothing here\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** {@code |1|salt|hmac}: the form {@code ssh-keygen -H} writes. */
  static String hashed(String host) throws Exception {
    byte[] salt = new byte[20];
    new java.security.SecureRandom().nextBytes(salt);
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(salt, "HmacSHA1"));
    byte[] hash = mac.doFinal(host.getBytes(StandardCharsets.UTF_8));
    Base64.Encoder b64 = Base64.getEncoder();
    return "|1|" + b64.encodeToString(salt) + "|" + b64.encodeToString(hash);
  }
}
