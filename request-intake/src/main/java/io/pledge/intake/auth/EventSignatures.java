package io.pledge.intake.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Signed inbound events: a system that sends requests on {@code pledge.requests.inbound} signs the
 * record's value (the CloudEvent exactly as produced, UTF-8) with its private key and puts the
 * signature, base64, in the record header {@value #HEADER}. Intake verifies it against the public
 * key the tokens file binds to the event's {@code source}, so the claimed source is proven rather
 * than trusted: anyone who can write the topic can claim a source, but only the key's holder can
 * sign for it. Ed25519 ({@code SHA-512} inside), ECDSA with SHA-256 and RSA with SHA-256 keys are
 * understood, each from a PEM {@code PUBLIC KEY} (SubjectPublicKeyInfo), as {@code openssl pkey
 * -pubout} writes it. Pure: no I/O.
 */
public final class EventSignatures {

  /** The Kafka record header carrying the signature. */
  public static final String HEADER = "pledge-signature";

  private static final List<String> KEY_ALGORITHMS = List.of("Ed25519", "EC", "RSA");

  private EventSignatures() {}

  /**
   * Reads a PEM public key.
   *
   * @throws IllegalArgumentException when it is not a PEM {@code PUBLIC KEY} of a known kind
   */
  public static PublicKey publicKey(String pem) {
    String body =
        pem.replace("-----BEGIN PUBLIC KEY-----", "")
            .replace("-----END PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the public key is not PEM (base64 between BEGIN/END)");
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this kind of key; try the next
      }
    }
    throw new IllegalArgumentException("the public key is not an Ed25519, EC or RSA PUBLIC KEY");
  }

  /** Does {@code signature} (base64, from the header; may be null) sign {@code value}? */
  public static boolean verifies(PublicKey key, String value, Optional<String> signature) {
    if (signature.isEmpty()) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance(signatureAlgorithm(key));
      verifier.initVerify(key);
      verifier.update(value.getBytes(StandardCharsets.UTF_8));
      return verifier.verify(Base64.getDecoder().decode(signature.get().trim()));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false; // malformed signature bytes: not a signature by this key
    }
  }

  static String signatureAlgorithm(PublicKey key) {
    return switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> "Ed25519"; // "EdDSA" or "Ed25519", depending on the provider
    };
  }
}
