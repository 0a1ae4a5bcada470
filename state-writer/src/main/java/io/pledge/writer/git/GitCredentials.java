package io.pledge.writer.git;

import io.pledge.contract.kratix.SecretRef;
import io.pledge.writer.store.StateStoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * Reads a GitStateStore's credentials from the mounted secrets, {@code
 * <secrets-dir>/<namespace>/<name>/<key>}, on every use, so that fixed credentials are picked up
 * without a restart. The values never reach a log.
 *
 * <ul>
 *   <li>{@code basicAuth}: {@code username} and {@code password} (a token works as password);
 *   <li>{@code ssh}: {@code sshPrivateKey} (OpenSSH or PEM, unencrypted) and {@code knownHosts}
 *       ({@code known_hosts} lines; only the servers listed there are trusted). The key is held in
 *       memory only; the user's own {@code ~/.ssh} is never read.
 * </ul>
 */
public final class GitCredentials implements AutoCloseable {

  public static final String BASIC_AUTH = "basicAuth";
  public static final String SSH = "ssh";
  static final String SSH_PRIVATE_KEY = "sshPrivateKey";
  static final String KNOWN_HOSTS = "knownHosts";

  /**
   * What a fetch or push presents.
   *
   * @param credentials username and password, or null
   * @param transport configures an ssh transport, or null
   */
  public record Auth(CredentialsProvider credentials, TransportConfigCallback transport) {}

  private final Path secretsDir;
  private final SecretRef secretRef;
  private final String authMethod;
  private final Path sshHome;
  private String sshSecrets;
  private SshdSessionFactory sshFactory;

  /**
   * @param sshHome an empty folder of the writer's own that stands in for {@code ~} and {@code
   *     ~/.ssh} (the ssh client looks there for a config file)
   */
  public GitCredentials(Path secretsDir, SecretRef secretRef, String authMethod, Path sshHome) {
    this.secretsDir = secretsDir;
    this.secretRef = secretRef;
    this.authMethod = authMethod == null || authMethod.isBlank() ? BASIC_AUTH : authMethod;
    this.sshHome = sshHome;
  }

  public GitCredentials(Path secretsDir, SecretRef secretRef, String authMethod) {
    this(secretsDir, secretRef, authMethod, null);
  }

  /**
   * The credentials to present now.
   *
   * @throws StateStoreException transient when a secret file is missing or unreadable (it may be
   *     fixed), permanent for an auth method this writer does not support
   */
  public synchronized Auth resolve() throws StateStoreException {
    switch (authMethod) {
      case BASIC_AUTH -> {
        if (secretRef == null || secretRef.name() == null || secretRef.name().isBlank()) {
          return new Auth(null, null);
        }
        Path dir = secretDir();
        return new Auth(
            new UsernamePasswordCredentialsProvider(
                read(dir, "username").strip(), read(dir, "password").strip()),
            null);
      }
      case SSH -> {
        if (secretRef == null || secretRef.name() == null || secretRef.name().isBlank()) {
          throw new StateStoreException("authMethod ssh needs a secretRef", false);
        }
        SshdSessionFactory factory = sshFactory();
        return new Auth(
            null,
            transport -> {
              if (transport instanceof SshTransport ssh) {
                ssh.setSshSessionFactory(factory);
              }
            });
      }
      default ->
          throw new StateStoreException(
              "authMethod " + authMethod + " is not supported (use basicAuth or ssh)", false);
    }
  }

  /** The username and password of a basicAuth store; for callers that need no ssh. */
  public CredentialsProvider provider() throws StateStoreException {
    return resolve().credentials();
  }

  /** One session factory per secret content: a changed key or knownHosts gets a fresh one. */
  private SshdSessionFactory sshFactory() throws StateStoreException {
    Path dir = secretDir();
    String privateKey = read(dir, SSH_PRIVATE_KEY);
    String knownHostsText = read(dir, KNOWN_HOSTS);
    String secrets = privateKey + "\0" + knownHostsText;
    if (sshFactory != null && secrets.equals(sshSecrets)) {
      return sshFactory;
    }
    List<KeyPair> keys = keyPairs(privateKey);
    KnownHosts knownHosts;
    try {
      knownHosts = KnownHosts.parse(knownHostsText);
    } catch (IllegalArgumentException e) {
      throw new StateStoreException(
          "secret " + secretName() + " key '" + KNOWN_HOSTS + "': " + e.getMessage(), true);
    }
    Path home = sshHome != null ? sshHome : secretsDir.resolve(".pledge-ssh");
    Path sshDir = home.resolve(".ssh");
    try {
      Files.createDirectories(sshDir);
    } catch (IOException e) {
      throw new StateStoreException("cannot create " + sshDir + ": " + e.getMessage(), true);
    }
    closeFactory();
    sshFactory =
        new SshdSessionFactoryBuilder()
            .setHomeDirectory(home.toFile())
            .setSshDirectory(sshDir.toFile())
            .setPreferredAuthentications("publickey")
            .setDefaultIdentities(d -> List.of())
            .setDefaultKeysProvider(d -> keys)
            .setDefaultKnownHostsFiles(d -> List.of())
            .setServerKeyDatabase((h, s) -> knownHosts)
            .build(null);
    sshSecrets = secrets;
    return sshFactory;
  }

  /**
   * The key pairs of an unencrypted private key in OpenSSH or PEM format.
   *
   * @throws StateStoreException (transient) naming the secret when the key cannot be read
   */
  List<KeyPair> keyPairs(String privateKey) throws StateStoreException {
    List<KeyPair> keys = new ArrayList<>();
    try {
      Iterable<KeyPair> loaded =
          SecurityUtils.loadKeyPairIdentities(
              null,
              NamedResource.ofName(SSH_PRIVATE_KEY),
              new ByteArrayInputStream(privateKey.getBytes(StandardCharsets.UTF_8)),
              null);
      if (loaded != null) {
        loaded.forEach(keys::add);
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      // the message may quote the key: never pass it on
      keys.clear();
    }
    if (keys.isEmpty()) {
      throw new StateStoreException(
          "secret "
              + secretName()
              + " key '"
              + SSH_PRIVATE_KEY
              + "' is not an unencrypted private key in OpenSSH or PEM format",
          true);
    }
    return keys;
  }

  private Path secretDir() {
    return secretsDir.resolve(secretRef.namespaceOrDefault()).resolve(secretRef.name());
  }

  private String secretName() {
    return secretRef.namespaceOrDefault() + "/" + secretRef.name();
  }

  private String read(Path dir, String key) throws StateStoreException {
    Path file = dir.resolve(key);
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StateStoreException(
          "secret "
              + secretName()
              + " has no readable key '"
              + key
              + "' (expected the file "
              + file
              + ")",
          true);
    }
  }

  private void closeFactory() {
    if (sshFactory != null) {
      sshFactory.close();
      sshFactory = null;
      sshSecrets = null;
    }
  }

  @Override
  public synchronized void close() {
    closeFactory();
  }
}
