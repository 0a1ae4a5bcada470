package io.pledge.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The bench Promise's manifests in the Git state store ({@code <prefix>/<name>/<pipeline>/<id>/
 * manifest.yaml}, a ConfigMap carrying the request's generation and seq), read as the bench's
 * {@code StateStoreReader} reads them: at the branch head, and every change in the history.
 */
final class BenchStateStore {

  /** A manifest: the resource it belongs to, the generation and seq it carries, the commit. */
  record Manifest(String key, long generation, long seq, int commit) {}

  /** The head's manifests, every manifest change oldest first, and the commits changing nothing. */
  record Snapshot(List<Manifest> head, List<Manifest> writes, int emptyCommits) {}

  private BenchStateStore() {}

  /**
   * @param prefix the folder of the resources' folders, e.g. {@code
   *     bench-worker/resources/default/bench}
   * @param keyPrefix what goes before a resource's name in its key, e.g. {@code default/bench}
   */
  static Snapshot read(Path bare, String branch, String prefix, String keyPrefix)
      throws IOException {
    try (Repository repo = new FileRepositoryBuilder().setGitDir(bare.toFile()).build();
        RevWalk walk = new RevWalk(repo)) {
      ObjectId tip = repo.resolve("refs/heads/" + branch);
      List<Manifest> head = new ArrayList<>();
      List<Manifest> writes = new ArrayList<>();
      int empty = 0;
      walk.sort(RevSort.TOPO);
      walk.sort(RevSort.REVERSE, true);
      walk.markStart(walk.parseCommit(tip));
      int index = 0;
      for (RevCommit commit : walk) {
        int at = index++;
        if (commit.getParentCount() == 0) {
          continue;
        }
        RevCommit parent = walk.parseCommit(commit.getParent(0));
        if (parent.getTree().equals(commit.getTree())) {
          empty++;
          continue;
        }
        try (TreeWalk tree = new TreeWalk(repo)) {
          tree.addTree(parent.getTree());
          tree.addTree(commit.getTree());
          tree.setRecursive(true);
          tree.setFilter(AndTreeFilter.create(PathFilter.create(prefix), TreeFilter.ANY_DIFF));
          while (tree.next()) {
            ObjectId now = tree.getObjectId(1);
            if (!now.equals(ObjectId.zeroId()) && isManifest(prefix, tree.getPathString())) {
              writes.add(manifest(repo, prefix, keyPrefix, tree.getPathString(), now, at));
            }
          }
        }
      }
      try (TreeWalk tree = new TreeWalk(repo)) {
        tree.addTree(walk.parseCommit(tip).getTree());
        tree.setRecursive(true);
        tree.setFilter(PathFilter.create(prefix));
        while (tree.next()) {
          if (isManifest(prefix, tree.getPathString())) {
            head.add(
                manifest(repo, prefix, keyPrefix, tree.getPathString(), tree.getObjectId(0), -1));
          }
        }
      }
      return new Snapshot(head, writes, empty);
    }
  }

  private static boolean isManifest(String prefix, String path) {
    return path.startsWith(prefix + "/") && path.endsWith("/manifest.yaml");
  }

  private static Manifest manifest(
      Repository repo, String prefix, String keyPrefix, String path, ObjectId blob, int commit)
      throws IOException {
    String name = path.substring(prefix.length() + 1).split("/")[0];
    String content = new String(repo.open(blob).getBytes(), StandardCharsets.UTF_8);
    return new Manifest(
        keyPrefix + "/" + name, field(content, "generation"), field(content, "seq"), commit);
  }

  /** {@code data.<name>} of the ConfigMap; -1 when absent or not a number. */
  private static long field(String content, String name) {
    for (String line : content.split("\n")) {
      String t = line.trim();
      if (t.startsWith(name + ":")) {
        try {
          return Long.parseLong(t.substring(name.length() + 1).trim().replace("\"", ""));
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }
}
