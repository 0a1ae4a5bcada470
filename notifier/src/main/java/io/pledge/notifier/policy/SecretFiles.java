package io.pledge.notifier.policy;

import io.pledge.contract.kratix.SecretRef;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Secrets as the embedded deployment mounts them: {@code <dir>/<namespace>/<name>/<key>}. Read at
 * each use, so a rotated webhook is picked up without a restart. Values are never logged.
 */
public final class SecretFiles {

  private static final Logger LOG = Logger.getLogger(SecretFiles.class);

  private final Path dir;

  public SecretFiles(Path dir) {
    this.dir = dir;
  }

  /** The URL under key {@code url} of {@code ref}; empty when there is none or it is no URL. */
  public Optional<URI> url(SecretRef ref) {
    Path file = dir.resolve(ref.namespaceOrDefault()).resolve(ref.name()).resolve("url");
    if (!file.normalize().startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
      LOG.debugf("no secret %s/%s key url", ref.namespaceOrDefault(), ref.name());
      return Optional.empty();
    }
    try {
      return Optional.of(new URI(Files.readString(file, StandardCharsets.UTF_8).strip()));
    } catch (IOException | URISyntaxException e) {
      LOG.warnf(
          "secret %s/%s key url unreadable (%s)",
          ref.namespaceOrDefault(), ref.name(), e.getClass().getSimpleName());
      return Optional.empty();
    }
  }
}
