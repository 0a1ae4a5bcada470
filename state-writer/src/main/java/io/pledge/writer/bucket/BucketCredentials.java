package io.pledge.writer.bucket;

import io.pledge.contract.kratix.SecretRef;
import io.pledge.writer.store.StateStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A BucketStateStore's credentials: with {@code authMethod: accessKey} (the default), the keys
 * {@code accessKeyID} and {@code secretAccessKey} of its secret, read from {@code
 * <secrets-dir>/<namespace>/<name>/} on every write so that fixed credentials are picked up; with
 * {@code IAM}, the SDK's default chain (environment, profile, web identity, instance role). The
 * values never reach a log.
 */
public final class BucketCredentials {

  public static final String ACCESS_KEY = "accessKey";
  public static final String IAM = "IAM";
  static final String ACCESS_KEY_ID = "accessKeyID";
  static final String SECRET_ACCESS_KEY = "secretAccessKey";

  /**
   * Credentials as read now.
   *
   * @param provider what the S3 client signs with
   * @param identity equal for equal credentials: the client is rebuilt when it changes
   */
  public record Resolved(AwsCredentialsProvider provider, Object identity) {}

  private final Path secretsDir;
  private final SecretRef secretRef;
  private final String authMethod;

  public BucketCredentials(Path secretsDir, SecretRef secretRef, String authMethod) {
    this.secretsDir = secretsDir;
    this.secretRef = secretRef;
    this.authMethod = authMethod == null || authMethod.isBlank() ? ACCESS_KEY : authMethod;
  }

  /**
   * @throws StateStoreException transient when a secret file is missing (it may appear), permanent
   *     for a missing secretRef or an unknown auth method
   */
  public Resolved resolve() throws StateStoreException {
    if (IAM.equalsIgnoreCase(authMethod)) {
      return new Resolved(DefaultCredentialsProvider.builder().build(), IAM);
    }
    if (!ACCESS_KEY.equals(authMethod)) {
      throw new StateStoreException(
          "authMethod " + authMethod + " is not supported (use accessKey or IAM)", false);
    }
    if (secretRef == null || secretRef.name() == null || secretRef.name().isBlank()) {
      throw new StateStoreException("authMethod accessKey needs a secretRef", false);
    }
    Path dir = secretsDir.resolve(secretRef.namespaceOrDefault()).resolve(secretRef.name());
    String id = read(dir, ACCESS_KEY_ID);
    String secret = read(dir, SECRET_ACCESS_KEY);
    AwsBasicCredentials credentials = AwsBasicCredentials.create(id, secret);
    return new Resolved(
        StaticCredentialsProvider.create(credentials), java.util.List.of(id, secret));
  }

  private String read(Path dir, String key) throws StateStoreException {
    Path file = dir.resolve(key);
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new IOException("empty");
      }
      return value;
    } catch (IOException e) {
      throw new StateStoreException(
          "secret "
              + secretRef.namespaceOrDefault()
              + "/"
              + secretRef.name()
              + " has no readable key '"
              + key
              + "' (expected the file "
              + file
              + ")",
          true);
    }
  }
}
