package io.pledge.writer.git;

import io.pledge.writer.store.StateStoreException;

/**
 * The remote refused a push because it could not take the branch's ref lock, which it holds for
 * another push or which a killed pusher left. While push attempts remain the write treats it like a
 * branch that moved (another writer is most likely pushing at that very moment); after the last one
 * it fails the write with this message.
 */
final class RefLockHeldException extends StateStoreException {

  RefLockHeldException(String message) {
    super(message, true);
  }
}
