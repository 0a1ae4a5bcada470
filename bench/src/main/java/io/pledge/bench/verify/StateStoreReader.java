package io.pledge.bench.verify;

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
 * Reads the benchmark's manifests from the Git state store with JGit: those at the branch head, and
 * every change to them in the branch's history.
 */
public final class StateStoreReader implements AutoCloseable {

  /** What history shows: each manifest change, the commits, and the empty ones. */
  public record History(List<Write> writes, int commits, int emptyCommits) {}

  private final Repository repo;
  private final String branch;
  private final String prefix;

  /**
   * @param prefix the folder holding the resources' folders, e.g. {@code
   *     bench-worker/resources/load/bench}
   */
  public StateStoreReader(Path bareRepository, String branch, String prefix) throws IOException {
    this.repo = new FileRepositoryBuilder().setGitDir(bareRepository.toFile()).setBare().build();
    this.branch = branch;
    this.prefix = prefix;
  }

  /** Commits on the branch, all of them. */
  public int commitCount() throws IOException {
    ObjectId head = repo.resolve("refs/heads/" + branch);
    if (head == null) {
      return 0;
    }
    int n = 0;
    try (RevWalk walk = new RevWalk(repo)) {
      walk.markStart(walk.parseCommit(head));
      for (RevCommit ignored : walk) {
        n++;
      }
    }
    return n;
  }

  /** Every manifest under the prefix at the branch head. */
  public List<Manifest> head(String keyPrefix) throws IOException {
    List<Manifest> manifests = new ArrayList<>();
    ObjectId head = repo.resolve("refs/heads/" + branch);
    if (head == null) {
      return manifests;
    }
    try (RevWalk walk = new RevWalk(repo);
        TreeWalk tree = new TreeWalk(repo)) {
      tree.addTree(walk.parseCommit(head).getTree());
      tree.setRecursive(true);
      tree.setFilter(PathFilter.create(prefix));
      while (tree.next()) {
        String path = tree.getPathString();
        String key = keyOf(keyPrefix, path);
        if (key != null) {
          manifests.add(Manifest.parse(key, path, read(tree.getObjectId(0))));
        }
      }
    }
    return manifests;
  }

  /** Each commit's changes to manifests under the prefix, oldest commit first. */
  public History history(String keyPrefix) throws IOException {
    List<Write> writes = new ArrayList<>();
    ObjectId head = repo.resolve("refs/heads/" + branch);
    if (head == null) {
      return new History(writes, 0, 0);
    }
    int commits = 0;
    int empty = 0;
    try (RevWalk walk = new RevWalk(repo)) {
      walk.sort(RevSort.TOPO);
      walk.sort(RevSort.REVERSE, true);
      walk.markStart(walk.parseCommit(head));
      for (RevCommit commit : walk) {
        int index = commits++;
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
            String key = keyOf(keyPrefix, tree.getPathString());
            if (key == null || now.equals(ObjectId.zeroId())) {
              continue;
            }
            writes.add(
                new Write(
                    key, Manifest.parse(key, tree.getPathString(), read(now)).generation(), index));
          }
        }
      }
    }
    return new History(writes, commits, empty);
  }

  /**
   * {@code <keyPrefix>/<name>} for {@code <prefix>/<name>/<pipeline>/<id5>/manifest.yaml}; null for
   * any other file.
   */
  String keyOf(String keyPrefix, String path) {
    if (!path.startsWith(prefix + "/") || !path.endsWith("/manifest.yaml")) {
      return null;
    }
    String name = path.substring(prefix.length() + 1).split("/")[0];
    return keyPrefix + "/" + name;
  }

  private String read(ObjectId blob) throws IOException {
    return new String(repo.open(blob).getBytes(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    repo.close();
  }
}
