package io.pledge.writer.git;

import io.pledge.writer.store.StateStoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * This process's claim on a local copy under the work dir: an OS file lock, which the kernel drops
 * when the process dies, however it dies. While it is held, no other live process uses the copy, so
 * a Git lock file found in it was left by an earlier process that was killed mid-write.
 */
final class LocalCopyLease implements AutoCloseable {

  static final String FILE_NAME = "pledge-writer.lease";

  private final FileChannel channel;
  private final FileLock lock;

  private LocalCopyLease(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Claims {@code localDir} (which must exist).
   *
   * @throws StateStoreException (transient) when another live process, or another store object of
   *     this one, holds it: two writers configured with one work dir
   */
  static LocalCopyLease acquire(Path localDir) throws IOException, StateStoreException {
    Path file = localDir.resolve(FILE_NAME);
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new StateStoreException(
          "the local copy "
              + localDir
              + " is in use by another live writer: each writer needs a pledge.writer.work-dir of"
              + " its own",
          true);
    }
    return new LocalCopyLease(channel, lock);
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // closing the channel drops the lock in any case
    }
  }
}
