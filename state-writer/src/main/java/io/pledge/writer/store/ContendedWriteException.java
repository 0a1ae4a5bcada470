package io.pledge.writer.store;

/**
 * Other writers kept moving the branch through every push attempt: the store works and others make
 * progress on it, so this is no failure of the Works being written. The batcher tries again after a
 * short pause without reporting them failed, as it would a store that refuses them. (A ref lock
 * still held at the last attempt is not this: it fails the write, naming the lock.)
 */
public final class ContendedWriteException extends StateStoreException {

  public ContendedWriteException(String message) {
    super(message, true);
  }
}
