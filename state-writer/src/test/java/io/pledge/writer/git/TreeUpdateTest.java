package io.pledge.writer.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trees written by TreeUpdate are the trees Git (JGit's index) would write for the same files. */
class TreeUpdateTest {

  @TempDir Path tmp;
  Repository repo;
  ObjectInserter inserter;
  ObjectReader reader;

  @BeforeEach
  void setUp() throws Exception {
    repo = Git.init().setBare(true).setDirectory(tmp.toFile()).call().getRepository();
    inserter = repo.newObjectInserter();
    reader = inserter.newReader();
  }

  @AfterEach
  void tearDown() {
    reader.close();
    inserter.close();
    repo.close();
  }

  ObjectId blob(String content) throws Exception {
    return inserter.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
  }

  /** The tree JGit's index writes for exactly {@code files}. */
  ObjectId indexTree(Map<String, String> files) throws Exception {
    DirCache index = DirCache.newInCore();
    DirCacheBuilder builder = index.builder();
    for (Map.Entry<String, String> file : new TreeMap<>(files).entrySet()) {
      DirCacheEntry entry = new DirCacheEntry(file.getKey());
      entry.setFileMode(FileMode.REGULAR_FILE);
      entry.setObjectId(blob(file.getValue()));
      builder.add(entry);
    }
    builder.finish();
    return index.writeTree(inserter);
  }

  List<String> paths(ObjectId tree) throws Exception {
    List<String> paths = new ArrayList<>();
    try (TreeWalk walk = new TreeWalk(reader)) {
      walk.addTree(tree);
      walk.setRecursive(true);
      while (walk.next()) {
        paths.add(walk.getPathString());
      }
    }
    return paths;
  }

  @Test
  void writesTheTreeGitWouldWriteInGitsOwnOrder() throws Exception {
    Map<String, String> files =
        Map.of("a.b", "1", "a/x", "2", "a-b/y", "3", "a0", "4", "b/c/d/e.yaml", "5", "Z", "6");
    TreeUpdate update = new TreeUpdate();
    for (Map.Entry<String, String> file : files.entrySet()) {
      update.put(file.getKey(), blob(file.getValue()));
    }

    assertThat(update.write(reader, inserter, null)).isEqualTo(indexTree(files));
  }

  @Test
  void editsOnTopOfABaseMatchTheFullRewrite() throws Exception {
    Map<String, String> base = new TreeMap<>();
    for (int i = 0; i < 50; i++) {
      base.put("w/resources/ns/p/r" + i + "/c/5058f/cm.yaml", "v" + i);
    }
    base.put("w/resources/ns/p/r1/c/5058f/extra.yaml", "x");
    base.put("README.md", "r");
    ObjectId baseTree = indexTree(base);

    TreeUpdate update = new TreeUpdate();
    update.deleteTree("w/resources/ns/p/r1/c/5058f");
    update.put("w/resources/ns/p/r1/c/5058f/cm.yaml", blob("new"));
    update.deleteTree("w/resources/ns/p/r2");
    update.put("w/resources/ns/p/r99/c/5058f/cm.yaml", blob("added"));
    update.delete("README.md");
    update.delete("never/there.yaml");

    Map<String, String> expected = new TreeMap<>(base);
    expected.remove("w/resources/ns/p/r1/c/5058f/extra.yaml");
    expected.put("w/resources/ns/p/r1/c/5058f/cm.yaml", "new");
    expected.remove("w/resources/ns/p/r2/c/5058f/cm.yaml");
    expected.put("w/resources/ns/p/r99/c/5058f/cm.yaml", "added");
    expected.remove("README.md");
    assertThat(update.write(reader, inserter, baseTree)).isEqualTo(indexTree(expected));
  }

  @Test
  void unchangedContentGivesTheSameTree() throws Exception {
    Map<String, String> base = Map.of("w/a/cm.yaml", "a", "w/b/cm.yaml", "b");
    ObjectId baseTree = indexTree(base);
    TreeUpdate update = new TreeUpdate();
    update.deleteTree("w/a");
    update.put("w/a/cm.yaml", blob("a"));

    assertThat(update.write(reader, inserter, baseTree)).isEqualTo(baseTree);
  }

  @Test
  void removingTheLastFileRemovesItsEmptyFolders() throws Exception {
    ObjectId baseTree = indexTree(Map.of("w/a/b/cm.yaml", "a", "keep.yaml", "k"));
    TreeUpdate update = new TreeUpdate();
    update.delete("w/a/b/cm.yaml");

    assertThat(paths(update.write(reader, inserter, baseTree))).containsExactly("keep.yaml");
  }

  @Test
  void laterEditsWin() throws Exception {
    TreeUpdate update = new TreeUpdate();
    update.put("w/f/a.yaml", blob("gone with the folder"));
    update.deleteTree("w/f");
    update.put("w/f/b.yaml", blob("b"));
    update.put("w/x.yaml", blob("first"));
    update.delete("w/x.yaml");
    update.put("w/y.yaml", blob("first"));
    update.put("w/y.yaml", blob("last"));

    assertThat(update.write(reader, inserter, null))
        .isEqualTo(indexTree(Map.of("w/f/b.yaml", "b", "w/y.yaml", "last")));
  }

  @Test
  void nothingLeftIsTheEmptyTree() throws Exception {
    ObjectId baseTree = indexTree(Map.of("w/a.yaml", "a"));
    TreeUpdate update = new TreeUpdate();
    update.deleteTree("w");

    assertThat(update.write(reader, inserter, baseTree).name())
        .isEqualTo("4b825dc642cb6eb9a060e54bf8d69288fbee4904");
  }
}
