package io.pledge.writer.git;

import io.pledge.contract.kratix.SecretRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Reads a GitStateStore's credentials from the mounted secrets, {@code
 * <secrets-dir>/<namespace>/<name>/<key>}, on every use, so that fixed credentials are picked up
 * without a restart. The values never reach a log.
 */
public final class GitCredentials {

  public static final String BASIC_AUTH = "basicAuth";

  private final Path secretsDir;
  private final SecretRef secretRef;
  private final String authMethod;

  public GitCredentials(Path secretsDir, SecretRef secretRef, String authMethod) {
    this.secretsDir = secretsDir;
    this.secretRef = secretRef;
    this.authMethod = authMethod == null || authMethod.isBlank() ? BASIC_AUTH : authMethod;
  }

  /** The credentials to present, or null when the store has no secret (e.g. a local path). */
  public CredentialsProvider provider() throws StateStoreException {
    if (!BASIC_AUTH.equals(authMethod)) {
      throw new StateStoreException(
          "authMethod " + authMethod + " is not supported yet (use basicAuth)", false);
    }
    if (secretRef == null || secretRef.name() == null || secretRef.name().isBlank()) {
      return null;
    }
    Path dir = secretsDir.resolve(secretRef.namespaceOrDefault()).resolve(secretRef.name());
    return new UsernamePasswordCredentialsProvider(read(dir, "username"), read(dir, "password"));
  }

  private String read(Path dir, String key) throws StateStoreException {
    Path file = dir.resolve(key);
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
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
