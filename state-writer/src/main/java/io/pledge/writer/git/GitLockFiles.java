package io.pledge.writer.git;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Git lock files ({@code <file>.lock}, as JGit and git name them) left in a repository by a writer
 * that was killed while holding them. Git never removes such a lock itself: every later update of
 * the locked file fails until someone does.
 */
final class GitLockFiles {

  /** What was found at a lock's path. */
  sealed interface Outcome {}

  /** No lock there (any more). */
  record Absent() implements Outcome {}

  /** A lock too young to be taken from its holder, who may still be writing. */
  record Held(Duration age) implements Outcome {}

  /** A stale lock, now removed. */
  record Removed(Duration age) implements Outcome {}

  /** A lock removed from a repository this process owns. */
  record RemovedLock(String path, Duration age) {}

  private GitLockFiles() {}

  /**
   * Removes {@code lock} when {@code rule} finds it stale.
   *
   * <p>The lock is first renamed aside (atomic) and deleted only if the renamed file is the very
   * file that was judged stale (same file key, time and size). Otherwise another writer removed the
   * stale lock first and a live writer locked the ref again in between: its lock is put back.
   */
  static Outcome removeIfStale(Path lock, StaleLockRule rule, Instant now) throws IOException {
    BasicFileAttributes seen = attributes(lock);
    if (seen == null) {
      return new Absent();
    }
    Instant modified = seen.lastModifiedTime().toInstant();
    if (!rule.isStale(modified, now)) {
      return new Held(StaleLockRule.age(modified, now));
    }
    // Ends in ".lock" so that no Git implementation reads it as a ref in the meantime.
    Path aside = lock.resolveSibling(lock.getFileName() + "." + UUID.randomUUID() + ".lock");
    try {
      Files.move(lock, aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return new Absent();
    }
    BasicFileAttributes moved = attributes(aside);
    if (moved != null && sameFile(seen, moved)) {
      Files.deleteIfExists(aside);
      return new Removed(StaleLockRule.age(modified, now));
    }
    putBack(aside, lock);
    return moved == null
        ? new Absent()
        : new Held(StaleLockRule.age(moved.lastModifiedTime().toInstant(), now));
  }

  /**
   * Removes every lock file of a repository that no other process can be using: those at its top
   * ({@code config.lock}, {@code HEAD.lock}, {@code packed-refs.lock}, {@code FETCH_HEAD.lock},
   * {@code index.lock}, ...) and under {@code refs/}.
   */
  static List<RemovedLock> removeAll(Path gitDir, Instant now) throws IOException {
    List<Path> locks = new ArrayList<>();
    try (Stream<Path> top = Files.list(gitDir)) {
      top.filter(GitLockFiles::isLock).forEach(locks::add);
    }
    Path refs = gitDir.resolve("refs");
    if (Files.isDirectory(refs)) {
      try (Stream<Path> under = Files.walk(refs)) {
        under.filter(GitLockFiles::isLock).forEach(locks::add);
      }
    }
    List<RemovedLock> removed = new ArrayList<>();
    for (Path lock : locks) {
      BasicFileAttributes seen = attributes(lock);
      if (seen != null && Files.deleteIfExists(lock)) {
        removed.add(
            new RemovedLock(
                gitDir.relativize(lock).toString().replace('\\', '/'),
                StaleLockRule.age(seen.lastModifiedTime().toInstant(), now)));
      }
    }
    return removed;
  }

  private static boolean isLock(Path path) {
    return path.getFileName().toString().endsWith(".lock") && Files.isRegularFile(path);
  }

  /** Gives a live writer back the lock that was moved away from under it. */
  private static void putBack(Path aside, Path lock) throws IOException {
    try {
      Files.createLink(lock, aside);
    } catch (FileAlreadyExistsException e) {
      // Yet another writer locked the ref meanwhile; it holds the lock now.
    } catch (UnsupportedOperationException | IOException e) {
      try {
        Files.move(aside, lock);
        return;
      } catch (FileAlreadyExistsException taken) {
        // as above
      }
    }
    Files.deleteIfExists(aside);
  }

  private static boolean sameFile(BasicFileAttributes a, BasicFileAttributes b) {
    boolean sameKey =
        a.fileKey() == null || b.fileKey() == null || Objects.equals(a.fileKey(), b.fileKey());
    return sameKey && a.lastModifiedTime().equals(b.lastModifiedTime()) && a.size() == b.size();
  }

  private static BasicFileAttributes attributes(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
