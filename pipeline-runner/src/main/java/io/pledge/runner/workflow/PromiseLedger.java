package io.pledge.runner.workflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jboss.logging.Logger;

/**
 * Remembers, on local disk, which Promise documents this instance has fully configured (every event
 * acknowledged by the broker), so that replaying the Promise table after a restart does not run
 * every promise workflow again. Losing it only costs a re-run, whose output is identical.
 */
public final class PromiseLedger {

  private static final Logger LOG = Logger.getLogger(PromiseLedger.class);

  private final Path dir;

  public PromiseLedger(Path dir) {
    this.dir = dir;
  }

  /** Whether the document with {@code digest} was configured and published before. */
  public boolean configured(String name, String digest) {
    Path file = file(name);
    if (file == null || !Files.isRegularFile(file)) {
      return false;
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8).trim().equals(digest);
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether this instance configured any version of the Promise (and has not forgotten it). */
  public boolean configuredAnyVersion(String name) {
    Path file = file(name);
    return file != null && Files.isRegularFile(file);
  }

  public void record(String name, String digest) {
    Path file = file(name);
    if (file == null) {
      return;
    }
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".promise", ".tmp");
      Files.writeString(tmp, digest + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      LOG.warnf("could not record Promise %s as configured: %s", name, e.getMessage());
    }
  }

  public void forget(String name) {
    Path file = file(name);
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warnf("could not forget Promise %s: %s", name, e.getMessage());
    }
  }

  private Path file(String name) {
    // Promise names are DNS labels; anything else never becomes a path.
    if (name == null || !name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
      return null;
    }
    return dir.resolve(name + ".digest");
  }
}
