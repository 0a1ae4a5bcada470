package io.pledge.writer.git;

import java.util.Map;

/** One change to the tree of a state store; paths are relative to the repository root. */
public sealed interface FolderChange {

  /** The folder the change touches. */
  String path();

  /**
   * The folder's content becomes exactly {@code files}: anything else under it goes.
   *
   * @param path the folder
   * @param files full paths (under {@code path}) to content
   */
  record ReplaceFolder(String path, Map<String, byte[]> files) implements FolderChange {}

  /** The folder and everything under it goes. */
  record RemoveFolder(String path) implements FolderChange {}

  /** One file is created or overwritten; its siblings stay. */
  record PutFile(String path, byte[] content) implements FolderChange {}
}
