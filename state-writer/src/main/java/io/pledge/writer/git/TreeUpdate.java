package io.pledge.writer.git;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * Edits to a Git tree that rewrite only the trees on the edited paths; every other subtree keeps
 * its id. A commit to a repository with 100,000 resources so reads and writes a handful of trees
 * instead of the whole index. Where two edits touch one path, the later wins; a folder removal
 * drops earlier edits under it, and later ones land in the emptied folder.
 */
final class TreeUpdate {

  /** Edits below one folder. */
  private static final class Folder {
    /** The folder's old content is dropped before the edits apply. */
    final boolean cleared;

    final Map<String, Folder> folders = new LinkedHashMap<>();

    /** File name to blob; null removes the file. */
    final Map<String, ObjectId> files = new LinkedHashMap<>();

    Folder(boolean cleared) {
      this.cleared = cleared;
    }
  }

  private final Folder root = new Folder(false);

  /** {@code path} becomes a regular file holding {@code blob}. */
  void put(String path, ObjectId blob) {
    String[] parts = path.split("/");
    Folder parent = folder(parts, parts.length - 1);
    String name = parts[parts.length - 1];
    parent.folders.remove(name);
    parent.files.remove(name);
    parent.files.put(name, blob);
  }

  /** The file at {@code path} goes, if there is one. */
  void delete(String path) {
    String[] parts = path.split("/");
    Folder parent = folder(parts, parts.length - 1);
    String name = parts[parts.length - 1];
    parent.files.remove(name);
    parent.files.put(name, null);
  }

  /** The folder at {@code path} and everything under it goes. */
  void deleteTree(String path) {
    String[] parts = path.split("/");
    Folder parent = folder(parts, parts.length - 1);
    String name = parts[parts.length - 1];
    parent.files.remove(name);
    parent.folders.put(name, new Folder(true));
  }

  /** Whether nothing was edited. */
  boolean isEmpty() {
    return root.files.isEmpty() && root.folders.isEmpty();
  }

  /**
   * Writes the edited trees on top of {@code base} (null: an empty tree) and answers the new root
   * tree; the same id as {@code base} when the edits change nothing.
   */
  ObjectId write(ObjectReader reader, ObjectInserter inserter, ObjectId base) throws IOException {
    ObjectId tree = write(root, reader, inserter, base);
    return tree != null ? tree : inserter.insert(new TreeFormatter());
  }

  private Folder folder(String[] parts, int depth) {
    Folder folder = root;
    for (int i = 0; i < depth; i++) {
      Folder child = folder.folders.get(parts[i]);
      if (child == null) {
        folder.files.remove(parts[i]);
        child = new Folder(false);
        folder.folders.put(parts[i], child);
      }
      folder = child;
    }
    return folder;
  }

  private record Entry(FileMode mode, ObjectId id) {}

  /** The folder's new tree, or null when it ends up empty (Git keeps no empty trees). */
  private static ObjectId write(
      Folder folder, ObjectReader reader, ObjectInserter inserter, ObjectId base)
      throws IOException {
    Map<String, Entry> entries = new HashMap<>();
    if (base != null && !folder.cleared) {
      CanonicalTreeParser parser = new CanonicalTreeParser(null, reader, base);
      for (; !parser.eof(); parser.next()) {
        entries.put(
            parser.getEntryPathString(),
            new Entry(parser.getEntryFileMode(), parser.getEntryObjectId()));
      }
    }
    for (Map.Entry<String, ObjectId> file : folder.files.entrySet()) {
      Entry old = entries.get(file.getKey());
      if (file.getValue() == null) {
        if (old != null && old.mode() != FileMode.TREE) {
          entries.remove(file.getKey());
        }
      } else {
        entries.put(file.getKey(), new Entry(FileMode.REGULAR_FILE, file.getValue()));
      }
    }
    for (Map.Entry<String, Folder> child : folder.folders.entrySet()) {
      Entry old = entries.get(child.getKey());
      ObjectId childBase = old != null && old.mode() == FileMode.TREE ? old.id() : null;
      ObjectId tree = write(child.getValue(), reader, inserter, childBase);
      if (tree == null) {
        if (childBase != null) {
          entries.remove(child.getKey());
        }
      } else {
        entries.put(child.getKey(), new Entry(FileMode.TREE, tree));
      }
    }
    if (entries.isEmpty()) {
      return null;
    }
    // Git's order compares a tree's name as if it ended with '/'.
    List<Sorted> sorted = new ArrayList<>(entries.size());
    entries.forEach(
        (name, entry) ->
            sorted.add(
                new Sorted(
                    Constants.encode(entry.mode() == FileMode.TREE ? name + "/" : name),
                    name,
                    entry)));
    sorted.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
    TreeFormatter formatter = new TreeFormatter();
    for (Sorted e : sorted) {
      formatter.append(e.name(), e.entry().mode(), e.entry().id());
    }
    return inserter.insert(formatter);
  }

  private record Sorted(byte[] key, String name, Entry entry) {}
}
