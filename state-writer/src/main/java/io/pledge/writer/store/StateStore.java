package io.pledge.writer.store;

import java.util.List;

/** Somewhere Destinations' files are written: a Git branch or an S3 bucket. */
public interface StateStore extends AutoCloseable {

  /**
   * The outcome of a write.
   *
   * @param version what holds the content: the commit SHA (Git: the new commit, or the branch head
   *     when nothing changed; null only for a branch that does not exist and stays empty), or a
   *     digest of the written objects (bucket)
   * @param committed whether anything changed in the store
   */
  record WriteResult(String version, boolean committed) {}

  /** {@code <Kind>/<name>}, as placements name it. */
  String name();

  /**
   * Applies {@code changes} in order, as one commit where the store has commits.
   *
   * @param message the commit message naming every placement the write carries
   * @throws StateStoreException when the store cannot be reached, refuses the credentials, or is
   *     configured in a way this writer cannot use
   */
  WriteResult write(List<FolderChange> changes, String message) throws StateStoreException;

  /**
   * Checks that the store can be reached and written with this writer's credentials, leaving
   * nothing behind that a GitOps agent would read (Kratix's state store check).
   *
   * @throws StateStoreException with the store's reason when it cannot
   */
  void checkWrite() throws StateStoreException;

  @Override
  void close();
}
