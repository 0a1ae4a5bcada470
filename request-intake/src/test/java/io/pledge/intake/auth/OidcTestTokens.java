package io.pledge.intake.auth;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

/**
 * The stand-in OIDC provider's signing key and the access tokens it issues. The key pair lives in a
 * file, so the test profile (which configures the public key) and the test (which signs with the
 * private one) agree even when Quarkus loads them with different class loaders.
 */
final class OidcTestTokens {

  static final String ISSUER = "https://idp.pledge.test/realms/pledge";
  private static final Path DIR = Path.of("target", "oidc-test-key");

  private OidcTestTokens() {}

  /** The public key as {@code quarkus.oidc.public-key} takes it: base64 X.509, no PEM armour. */
  static synchronized String publicKey() {
    ensureKeys();
    return read("public.b64");
  }

  /** A token signed by the provider, valid for an hour from now. */
  static String sign(JwtClaimsBuilder claims) {
    return sign(claims, providerKey());
  }

  static String sign(JwtClaimsBuilder claims, PrivateKey key) {
    Instant now = Instant.now();
    return claims.issuer(ISSUER).issuedAt(now).expiresAt(now.plusSeconds(3600)).jws().sign(key);
  }

  /** A token the provider signed, but that expired an hour ago. */
  static String expired(JwtClaimsBuilder claims) {
    Instant now = Instant.now();
    return claims
        .issuer(ISSUER)
        .issuedAt(now.minusSeconds(7200))
        .expiresAt(now.minusSeconds(3600))
        .jws()
        .sign(providerKey());
  }

  static JwtClaimsBuilder user(String name) {
    return Jwt.claims().subject("sub-" + name).preferredUserName(name);
  }

  /** A key pair the provider never had. */
  static PrivateKey forger() {
    return generate().getPrivate();
  }

  static synchronized PrivateKey providerKey() {
    ensureKeys();
    try {
      return KeyFactory.getInstance("RSA")
          .generatePrivate(
              new PKCS8EncodedKeySpec(Base64.getDecoder().decode(read("private.b64"))));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void ensureKeys() {
    if (Files.exists(DIR.resolve("public.b64"))) {
      return;
    }
    KeyPair pair = generate();
    try {
      Files.createDirectories(DIR);
      Files.writeString(
          DIR.resolve("private.b64"),
          Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
      Files.writeString(
          DIR.resolve("public.b64"),
          Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String read(String name) {
    try {
      return Files.readString(DIR.resolve(name)).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
