package io.pledge.intake.inbound;

import static io.pledge.intake.IntakeTestSupport.authWithTokensFile;
import static io.pledge.intake.IntakeTestSupport.inboundEvent;
import static io.pledge.intake.IntakeTestSupport.probe;
import static io.pledge.intake.IntakeTestSupport.publishedAfterMarker;
import static io.pledge.intake.IntakeTestSupport.request;
import static io.pledge.intake.IntakeTestSupport.seedPromiseAs;
import static io.pledge.intake.IntakeTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.request.RequestRejected;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.intake.auth.EventSignatures;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A system with a public key in the tokens file must sign its events: its claimed source is then
 * proven, not trusted. A system without one is trusted by its source, as before.
 */
@QuarkusTest
@TestProfile(SignedInboundEventsTest.WithSigningSystem.class)
@QuarkusTestResource(KafkaBrokerResource.class)
class SignedInboundEventsTest {

  private static final String ADMIN = "signed-admin-token";
  static final String BANK = "/bank";
  static final String LEGACY = "/legacy";

  /**
   * {@code /bank} signs with an Ed25519 key (its private half written next to the tokens file, for
   * the test to sign with); {@code /legacy} has no key.
   */
  public static class WithSigningSystem implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        KeyPair bank = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Map<String, String> overrides =
            authWithTokensFile(
                """
            tokens:
              - {name: platform-team, token: %s, roles: [platform-admin]}
            systems:
              - source: %s
                roles: [requester]
                namespaces: [team-a]
                publicKey: |
            %s
              - {source: %s, roles: [requester], namespaces: [team-a]}
            """
                    .formatted(ADMIN, BANK, pem(bank).indent(6).stripTrailing(), LEGACY),
                Map.of());
        Files.write(
            privateKeyFile(overrides.get("pledge.intake.auth.tokens-file")),
            bank.getPrivate().getEncoded());
        return overrides;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static Path privateKeyFile(String tokensFile) {
    return Path.of(tokensFile + ".key");
  }

  static String pem(KeyPair pair) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(pair.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----";
  }

  @ConfigProperty(name = "pledge.intake.auth.tokens-file")
  String tokensFile;

  @BeforeEach
  void seed() {
    seedPromiseAs(ADMIN);
  }

  private static CloudEvent inbound(String source, String name) {
    return inboundEvent(
        source,
        request(name, "requester: bank").replace("namespace: default", "namespace: team-a"));
  }

  private String sign(String value) throws Exception {
    PrivateKey key =
        KeyFactory.getInstance("Ed25519")
            .generatePrivate(
                new PKCS8EncodedKeySpec(Files.readAllBytes(privateKeyFile(tokensFile))));
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(key);
    signer.update(value.getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(signer.sign());
  }

  private static CloudEvent answer(CloudEvent in, String key, String value, Map<String, String> h) {
    probe().publish(Topics.REQUESTS_INBOUND, key, value, h);
    return IntakeTestSupport.awaitAnswer(in.id());
  }

  private static void assertUnauthenticated(CloudEvent answer, String key, String detail) {
    assertThat(answer.type()).isEqualTo("pledge.request.rejected");
    RequestRejected rejected = EventCodec.data(answer, RequestRejected.class);
    assertThat(rejected.problem().status()).isEqualTo(401);
    assertThat(rejected.problem().detail()).contains(detail);
    assertThat(publishedAfterMarker(key))
        .extracting(CloudEvent::type)
        .containsExactly("pledge.request.rejected");
  }

  @Test
  void acceptsAnEventSignedByTheSourcesKey() throws Exception {
    String name = unique("signed");
    String key = "team-a/postgresql/" + name;
    CloudEvent in = inbound(BANK, name);
    String value = EventCodec.write(in);

    CloudEvent answer = answer(in, key, value, Map.of(EventSignatures.HEADER, sign(value)));

    assertThat(answer.type()).isEqualTo("pledge.request.accepted");
    assertThat(answer.data().path("requester").asText()).isEqualTo(BANK);
  }

  @Test
  void rejectsAnUnsignedEventFromASourceThatSigns() {
    String name = unique("unsigned");
    String key = "team-a/postgresql/" + name;
    CloudEvent in = inbound(BANK, name);

    CloudEvent answer = answer(in, key, EventCodec.write(in), Map.of());

    assertUnauthenticated(answer, key, "is not signed");
  }

  @Test
  void rejectsAnEventChangedAfterItWasSigned() throws Exception {
    String name = unique("tampered");
    String key = "team-a/postgresql/" + name;
    CloudEvent in = inbound(BANK, name);
    String value = EventCodec.write(in);
    String signature = sign(value);
    String changed = value.replace("\"requester\":\"bank\"", "\"requester\":\"mallory\"");
    assertThat(changed).isNotEqualTo(value);

    CloudEvent answer = answer(in, key, changed, Map.of(EventSignatures.HEADER, signature));

    assertUnauthenticated(answer, key, "does not verify");
  }

  @Test
  void rejectsAnotherSourcesSignatureClaimingToBeTheBank() throws Exception {
    String name = unique("forged");
    String key = "team-a/postgresql/" + name;
    CloudEvent in = inbound(BANK, name);
    String value = EventCodec.write(in);
    KeyPair mallory = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(mallory.getPrivate());
    signer.update(value.getBytes(StandardCharsets.UTF_8));
    String forged = Base64.getEncoder().encodeToString(signer.sign());

    CloudEvent answer = answer(in, key, value, Map.of(EventSignatures.HEADER, forged));

    assertUnauthenticated(answer, key, "does not verify");
  }

  @Test
  void aSourceWithoutAKeyIsStillTrustedByItsClaim() {
    String name = unique("legacy");
    String key = "team-a/postgresql/" + name;
    CloudEvent in = inbound(LEGACY, name);

    CloudEvent answer = answer(in, key, EventCodec.write(in), Map.of());

    assertThat(answer.type()).isEqualTo("pledge.request.accepted");
  }
}
