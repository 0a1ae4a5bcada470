package io.pledge.intake.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {

  @TempDir Path dir;

  @Test
  void authenticatesByTokenOrDigestAndRereadsAChangedFile() throws Exception {
    Path file = dir.resolve("tokens.yaml");
    Files.writeString(
        file,
        """
        tokens:
          - {name: admin, token: t1, roles: [platform-admin]}
          - {name: ana, sha256: %s, roles: [requester], namespaces: [team-a]}
        """
            .formatted(TokenStore.sha256("t2")));
    TokenStore store = new TokenStore(file);

    assertThat(store.authenticate("t1")).get().extracting(Caller::name).isEqualTo("admin");
    Caller ana = store.authenticate("t2").orElseThrow();
    assertThat(ana.admin()).isFalse();
    assertThat(ana.mayUseNamespace("team-a")).isTrue();
    assertThat(ana.mayUseNamespace("default")).isFalse();
    assertThat(store.authenticate("t3")).isEmpty();
    assertThat(store.authenticate(null)).isEmpty();

    Files.writeString(
        file, "tokens:\n  - {name: bo, token: t3, roles: [requester], namespaces: ['*']}\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

    assertThat(store.authenticate("t1")).isEmpty();
    assertThat(store.authenticate("t3").orElseThrow().mayUseNamespace("anything")).isTrue();
  }

  @Test
  void keepsTheLastGoodTokensWhenTheFileBreaks() throws Exception {
    Path file = dir.resolve("tokens.yaml");
    Files.writeString(file, "tokens:\n  - {name: admin, token: t1, roles: [platform-admin]}\n");
    TokenStore store = new TokenStore(file);
    assertThat(store.authenticate("t1")).isPresent();

    Files.writeString(file, "tokens: [ {name: broken");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

    assertThat(store.authenticate("t1")).isPresent();
  }

  @Test
  void bindsInboundSourcesToRolesAndNamespacesBySource() throws Exception {
    Path file = dir.resolve("tokens.yaml");
    Files.writeString(
        file,
        """
        tokens:
          - {name: admin, token: t1, roles: [platform-admin]}
        systems:
          - source: /billing-system
            roles: [requester]
            namespaces: [team-a]
          - {source: "https://ci.example.com/deployer", roles: [platform-admin]}
        """);
    TokenStore store = new TokenStore(file);

    Caller billing = store.system("/billing-system").orElseThrow();
    assertThat(billing.name()).isEqualTo("/billing-system");
    assertThat(billing.mayUseNamespace("team-a")).isTrue();
    assertThat(billing.mayUseNamespace("default")).isFalse();
    assertThat(billing.admin()).isFalse();
    assertThat(store.system("https://ci.example.com/deployer").orElseThrow().admin()).isTrue();
    assertThat(store.system("/unknown")).isEmpty();
    assertThat(store.system(null)).isEmpty();
    // A system's source is not a bearer token.
    assertThat(store.authenticate("/billing-system")).isEmpty();
  }

  @Test
  void refusesSystemsWithoutOrWithARepeatedSource() {
    assertThatThrownBy(() -> TokenStore.parse("systems:\n  - {roles: [requester]}\n"))
        .hasMessageContaining("source");
    assertThatThrownBy(
            () ->
                TokenStore.parse(
                    "systems:\n  - {source: /a, roles: [requester]}\n"
                        + "  - {source: /a, roles: [platform-admin]}\n"))
        .hasMessageContaining("twice");
  }

  @Test
  void readsASystemsPublicKeyAndRefusesOneThatIsNot() throws Exception {
    var pair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + java.util.Base64.getEncoder().encodeToString(pair.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----";
    Path file = dir.resolve("keys.yaml");
    Files.writeString(
        file,
        "systems:\n  - source: /bank\n    roles: [requester]\n    publicKey: |\n"
            + pem.indent(6)
            + "  - {source: /legacy, roles: [requester]}\n");
    TokenStore store = new TokenStore(file);

    assertThat(store.systemKey("/bank")).contains(pair.getPublic());
    assertThat(store.systemKey("/legacy")).isEmpty();
    assertThatThrownBy(
            () ->
                TokenStore.parse(
                    "systems:\n  - {source: /bank, roles: [requester], publicKey: nonsense}\n"))
        .hasMessageContaining("system /bank");
  }

  @Test
  void nobodyGetsInWithoutAFile() {
    TokenStore store = new TokenStore(dir.resolve("missing.yaml"));
    assertThat(store.authenticate("t1")).isEmpty();
    assertThat(store.system("/billing-system")).isEmpty();
  }
}
