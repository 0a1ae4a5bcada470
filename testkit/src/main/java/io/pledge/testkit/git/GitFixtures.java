package io.pledge.testkit.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/** Real Git repositories for tests: a bare remote with a branch, and ways to read what landed. */
public final class GitFixtures {

  private GitFixtures() {}

  /** A bare repository at {@code dir} whose {@code branch} has one initial commit. */
  public static Path bareRepository(Path dir, String branch) {
    try {
      Git.init().setBare(true).setDirectory(dir.toFile()).setInitialBranch(branch).call().close();
      Path work = Files.createTempDirectory("seed");
      try (Git git =
          Git.cloneRepository().setURI(dir.toUri().toString()).setDirectory(work.toFile()).call()) {
        git.checkout().setOrphan(true).setName(branch).call();
        Files.writeString(work.resolve("README.md"), "Pledge state store\n");
        git.add().addFilepattern("README.md").call();
        git.commit().setMessage("Initial commit").setAuthor("test", "test@pledge.io").call();
        git.push().setRemote("origin").add(branch).call();
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The content of {@code path} at the tip of {@code branch}, if present. */
  public static Optional<String> readFile(Path repository, String branch, String path) {
    try (Repository repo = Git.open(repository.toFile()).getRepository();
        RevWalk walk = new RevWalk(repo)) {
      ObjectId head = repo.resolve("refs/heads/" + branch);
      if (head == null) {
        return Optional.empty();
      }
      RevCommit commit = walk.parseCommit(head);
      try (TreeWalk tree = TreeWalk.forPath(repo, path, commit.getTree())) {
        if (tree == null) {
          return Optional.empty();
        }
        ObjectLoader loader = repo.open(tree.getObjectId(0));
        return Optional.of(new String(loader.getBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The content of {@code path} in {@code commit} (a SHA), if that commit holds it. */
  public static Optional<String> readFileAt(Path repository, String commit, String path) {
    try (Repository repo = Git.open(repository.toFile()).getRepository();
        RevWalk walk = new RevWalk(repo)) {
      ObjectId id = repo.resolve(commit);
      if (id == null) {
        return Optional.empty();
      }
      try (TreeWalk tree = TreeWalk.forPath(repo, path, walk.parseCommit(id).getTree())) {
        if (tree == null) {
          return Optional.empty();
        }
        return Optional.of(
            new String(repo.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
      }
    } catch (org.eclipse.jgit.errors.MissingObjectException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every file path at the tip of {@code branch}. */
  public static List<String> listFiles(Path repository, String branch) {
    try (Repository repo = Git.open(repository.toFile()).getRepository();
        RevWalk walk = new RevWalk(repo)) {
      List<String> files = new ArrayList<>();
      ObjectId head = repo.resolve("refs/heads/" + branch);
      if (head == null) {
        return files;
      }
      try (TreeWalk tree = new TreeWalk(repo)) {
        tree.addTree(walk.parseCommit(head).getTree());
        tree.setRecursive(true);
        while (tree.next()) {
          files.add(tree.getPathString());
        }
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The commits of {@code branch}, newest first. */
  public static List<RevCommit> log(Path repository, String branch) {
    try (Git git = Git.open(repository.toFile())) {
      List<RevCommit> commits = new ArrayList<>();
      ObjectId head = git.getRepository().resolve("refs/heads/" + branch);
      if (head != null) {
        git.log().add(head).call().forEach(commits::add);
      }
      return commits;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The SHA at the tip of {@code branch}. */
  public static String head(Path repository, String branch) {
    return log(repository, branch).get(0).getName();
  }
}
