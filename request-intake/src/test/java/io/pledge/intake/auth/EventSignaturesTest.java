package io.pledge.intake.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventSignaturesTest {

  private static final String VALUE = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/bank\"}";

  private static String pem(KeyPair pair) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  private static String sign(KeyPair pair, String algorithm, String value) throws Exception {
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(pair.getPrivate());
    signer.update(value.getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(signer.sign());
  }

  @ParameterizedTest
  @CsvSource({"Ed25519, Ed25519", "EC, SHA256withECDSA", "RSA, SHA256withRSA"})
  void verifiesEachKindOfKeyFromItsPem(String keyAlgorithm, String signatureAlgorithm)
      throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance(keyAlgorithm).generateKeyPair();
    var key = EventSignatures.publicKey(pem(pair));
    String signature = sign(pair, signatureAlgorithm, VALUE);

    assertThat(EventSignatures.verifies(key, VALUE, Optional.of(signature))).isTrue();
    assertThat(EventSignatures.verifies(key, VALUE + " ", Optional.of(signature))).isFalse();
    assertThat(EventSignatures.verifies(key, VALUE, Optional.empty())).isFalse();
  }

  @Test
  void aSignatureByAnotherKeyOrGarbageDoesNotVerify() throws Exception {
    KeyPair bank = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    KeyPair mallory = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    var key = EventSignatures.publicKey(pem(bank));

    assertThat(EventSignatures.verifies(key, VALUE, Optional.of(sign(mallory, "Ed25519", VALUE))))
        .isFalse();
    assertThat(EventSignatures.verifies(key, VALUE, Optional.of("not base64 !"))).isFalse();
    assertThat(EventSignatures.verifies(key, VALUE, Optional.of("AAAA"))).isFalse();
  }

  @Test
  void refusesAKeyThatIsNotAPublicKey() {
    assertThatThrownBy(() -> EventSignatures.publicKey("-----BEGIN PUBLIC KEY-----\n!!\n"))
        .hasMessageContaining("not PEM");
    assertThatThrownBy(
            () -> EventSignatures.publicKey(Base64.getEncoder().encodeToString(new byte[40])))
        .hasMessageContaining("not an Ed25519, EC or RSA");
  }
}
