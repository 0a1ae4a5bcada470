package io.pledge.writer.store;

import java.util.Map;

/**
 * One change to the files of a state store; paths are relative to the repository (or bucket) root.
 * A store applies the changes of one write in order; where two touch the same file, the later one
 * wins.
 */
public sealed interface FolderChange {

  /** The folder or file the change is about. */
  String path();

  /**
   * The folder's content becomes exactly {@code files}: anything else under it goes
   * (nestedByMetadata).
   *
   * @param path the folder
   * @param files full paths (under {@code path}) to content
   */
  record ReplaceFolder(String path, Map<String, byte[]> files) implements FolderChange {}

  /** The folder and everything under it goes. */
  record RemoveFolder(String path) implements FolderChange {}

  /** One file is created or overwritten; its siblings stay. */
  record PutFile(String path, byte[] content) implements FolderChange {}

  /** One file goes, if it is there. */
  record DeleteFile(String path) implements FolderChange {}

  /**
   * Files tracked by a state file (Kratix's {@code none} filepath mode): {@code files} are written,
   * files the state file listed before but {@code files} lacks go, and the state file then lists
   * {@code files}. The state file names paths relative to {@code listPrefix} (the state store's
   * path), as Kratix does.
   *
   * @param path the state file, {@code <dest.path>/.kratix/<namespace>-<placement>.yaml}
   * @param listPrefix the folder the listed paths are relative to ({@code ""} for the root)
   * @param files full paths to content
   */
  record ReplaceListed(String path, String listPrefix, Map<String, byte[]> files)
      implements FolderChange {}

  /** Every file a state file lists goes, and the state file too. See {@link ReplaceListed}. */
  record RemoveListed(String path, String listPrefix) implements FolderChange {}
}
