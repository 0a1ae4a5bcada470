package io.pledge.writer.git;

import io.pledge.contract.kratix.GitStateStore.GitAuthor;
import io.pledge.contract.kratix.GitStateStore.Spec;
import io.pledge.writer.store.StateStoreException;
import io.pledge.writer.telemetry.WriterTelemetry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link GitStateStore} per GitStateStore document, kept while the document's spec stays the
 * same. A changed spec (URL, branch, credentials, author) gets a fresh writer and local copy.
 */
public final class GitStateStores implements AutoCloseable {

  public static final String DEFAULT_AUTHOR_NAME = "kratix";
  public static final String DEFAULT_AUTHOR_EMAIL = "kratix@pledge.io";

  private record Entry(Spec spec, GitStateStore store) {}

  /** The service's default for {@code pledge.writer.retry.push-attempts}. */
  public static final int DEFAULT_PUSH_ATTEMPTS = 10;

  /** The first pause before a push redone on a branch that moved. */
  public static final Duration CONTENTION_BACKOFF = Duration.ofMillis(50);

  private final Path workDir;
  private final Path secretsDir;
  private final int pushAttempts;
  private final Duration contentionBackoff;
  private final Duration staleLockAge;
  private final WriterTelemetry telemetry;
  private final Map<String, Entry> stores = new ConcurrentHashMap<>();
  private Path localBase;

  public GitStateStores(
      Path workDir, Path secretsDir, int pushAttempts, Duration contentionBackoff) {
    this(
        workDir,
        secretsDir,
        pushAttempts,
        contentionBackoff,
        GitStateStore.DEFAULT_STALE_LOCK_AGE,
        WriterTelemetry.NONE);
  }

  /**
   * @param staleLockAge how long a ref lock in a remote on this machine must stand unchanged before
   *     it is taken for one that a killed writer left
   * @param telemetry traces each store's fetches and pushes
   */
  public GitStateStores(
      Path workDir,
      Path secretsDir,
      int pushAttempts,
      Duration contentionBackoff,
      Duration staleLockAge,
      WriterTelemetry telemetry) {
    this.telemetry = telemetry;
    this.staleLockAge = staleLockAge;
    this.workDir = workDir;
    this.secretsDir = secretsDir;
    this.pushAttempts = pushAttempts;
    this.contentionBackoff = contentionBackoff;
  }

  /**
   * Where a store URL that is a relative path points from ({@code pledge.writer.home}, the embedded
   * default's {@code $PLEDGE_HOME}): the example store's {@code url: state-store.git} is the bare
   * repository deploy/local/up creates there. Unset, a relative path is the process's. Set once,
   * before the first store.
   */
  public GitStateStores relativeTo(Path base) {
    this.localBase = base;
    return this;
  }

  /**
   * The URL to fetch from and push to: a relative path resolved against {@link #relativeTo}; every
   * other URL (a scheme, an absolute path, scp-like {@code host:path}) as given.
   */
  static String resolve(String url, Path base) {
    boolean relativePath =
        !url.contains("://")
            && !url.startsWith("/")
            && !url.startsWith("~")
            && !url.substring(
                    0, Math.max(0, url.indexOf('/') < 0 ? url.length() : url.indexOf('/')))
                .contains(":");
    return relativePath && base != null
        ? base.resolve(url).toAbsolutePath().normalize().toString()
        : url;
  }

  /**
   * The writer for a GitStateStore document.
   *
   * @throws StateStoreException (permanent) when the document has no URL
   */
  public synchronized GitStateStore store(io.pledge.contract.kratix.GitStateStore document)
      throws StateStoreException {
    String name = document.metadata() == null ? null : document.metadata().name();
    Spec spec = document.spec();
    if (name == null || spec == null || spec.url() == null || spec.url().isBlank()) {
      throw new StateStoreException("GitStateStore " + name + " has no spec.url", false);
    }
    Entry entry = stores.get(name);
    if (entry != null && entry.spec().equals(spec)) {
      return entry.store();
    }
    if (entry != null) {
      entry.store().close();
    }
    String branch = document.branchOrDefault();
    GitAuthor author = spec.gitAuthor();
    String authorName =
        author == null || author.name() == null || author.name().isBlank()
            ? DEFAULT_AUTHOR_NAME
            : author.name();
    String authorEmail =
        author == null || author.email() == null || author.email().isBlank()
            ? DEFAULT_AUTHOR_EMAIL
            : author.email();
    GitStateStore store =
        new GitStateStore(
            "GitStateStore/" + name,
            resolve(spec.url(), localBase),
            branch,
            authorName,
            authorEmail,
            new GitCredentials(
                secretsDir,
                spec.secretRef(),
                spec.authMethod(),
                workDir.resolve(localName(name, spec.url(), branch) + ".ssh")),
            workDir.resolve(localName(name, spec.url(), branch) + ".git"),
            pushAttempts,
            contentionBackoff,
            staleLockAge,
            telemetry);
    stores.put(name, new Entry(spec, store));
    return store;
  }

  private static String localName(String name, String url, String branch) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((url + "#" + branch).getBytes(StandardCharsets.UTF_8));
      return name.replaceAll("[^A-Za-z0-9._-]", "_")
          + "-"
          + HexFormat.of().formatHex(digest).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    stores.values().forEach(e -> e.store().close());
    stores.clear();
  }
}
