package io.pledge.bench.bare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;

/**
 * One Git commit of N files, done the way a state store is written, with nothing around it: fetch
 * the branch from a bare repository over {@code file://}, build a tree holding N manifests at the
 * Kratix layout in memory, commit, push.
 */
public final class BareGitCommit {

  /** What one commit of {@code files} files took. */
  public record Result(int files, double seconds) {
    public double filesPerSecond() {
      return seconds <= 0 ? Double.NaN : files / seconds;
    }
  }

  private BareGitCommit() {}

  public static Result commit(Path workDir, int files) throws IOException, GitAPIException {
    Path remotePath = workDir.resolve("remote.git");
    Path localPath = workDir.resolve("local.git");
    try (Repository remote = bare(remotePath)) {
      seed(remote);
    }
    try (Repository local = bare(localPath)) {
      local.getConfig().setString("remote", "origin", "url", remotePath.toUri().toString());
      local.getConfig().save();
      long start = System.nanoTime();
      Git.wrap(local)
          .fetch()
          .setRemote("origin")
          .setRefSpecs(new RefSpec("+refs/heads/main:refs/remotes/origin/main"))
          .call();
      ObjectId parent = local.resolve("refs/remotes/origin/main");
      ObjectId commit;
      try (ObjectInserter inserter = local.newObjectInserter()) {
        DirCache index = DirCache.newInCore();
        DirCacheBuilder builder = index.builder();
        for (int i = 0; i < files; i++) {
          String name = String.format(Locale.ROOT, "b-%06d", i);
          byte[] content = manifest(name, i).getBytes(StandardCharsets.UTF_8);
          DirCacheEntry entry =
              new DirCacheEntry(
                  "bench-worker/resources/load/bench/" + name + "/render/00000/manifest.yaml");
          entry.setFileMode(FileMode.REGULAR_FILE);
          entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, content));
          builder.add(entry);
        }
        builder.finish();
        ObjectId tree = index.writeTree(inserter);
        CommitBuilder c = new CommitBuilder();
        PersonIdent who = new PersonIdent("pledge-bench", "bench@pledge.io");
        c.setAuthor(who);
        c.setCommitter(who);
        c.setTreeId(tree);
        c.setParentId(parent);
        c.setMessage("Update from: " + files + " placements\n");
        commit = inserter.insert(c);
        inserter.flush();
      }
      RefUpdate update = local.updateRef("refs/heads/main");
      update.setNewObjectId(commit);
      update.setForceUpdate(true);
      update.update();
      Iterable<PushResult> results =
          Git.wrap(local)
              .push()
              .setRemote("origin")
              .setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main"))
              .call();
      for (PushResult r : results) {
        for (RemoteRefUpdate u : r.getRemoteUpdates()) {
          if (u.getStatus() != RemoteRefUpdate.Status.OK) {
            throw new IOException("bare push refused: " + u.getStatus());
          }
        }
      }
      return new Result(files, (System.nanoTime() - start) / 1e9);
    }
  }

  static String manifest(String name, long seq) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bench-"
        + name
        + "\n  namespace: load\ndata:\n  generation: \"1\"\n  seq: \""
        + seq
        + "\"\n";
  }

  private static Repository bare(Path path) throws IOException {
    Repository repo = new FileRepositoryBuilder().setGitDir(path.toFile()).setBare().build();
    if (!repo.getObjectDatabase().exists()) {
      repo.create(true);
      RefUpdate head = repo.updateRef(Constants.HEAD, true);
      head.link("refs/heads/main");
    }
    return repo;
  }

  private static void seed(Repository repo) throws IOException {
    try (ObjectInserter inserter = repo.newObjectInserter()) {
      DirCache index = DirCache.newInCore();
      DirCacheBuilder builder = index.builder();
      DirCacheEntry readme = new DirCacheEntry("README.md");
      readme.setFileMode(FileMode.REGULAR_FILE);
      readme.setObjectId(
          inserter.insert(Constants.OBJ_BLOB, "bare work\n".getBytes(StandardCharsets.UTF_8)));
      builder.add(readme);
      builder.finish();
      CommitBuilder c = new CommitBuilder();
      PersonIdent who = new PersonIdent("pledge-bench", "bench@pledge.io");
      c.setAuthor(who);
      c.setCommitter(who);
      c.setTreeId(index.writeTree(inserter));
      c.setMessage("Initial commit\n");
      ObjectId id = inserter.insert(c);
      inserter.flush();
      RefUpdate update = repo.updateRef("refs/heads/main");
      update.setNewObjectId(id);
      update.update();
    }
  }
}
