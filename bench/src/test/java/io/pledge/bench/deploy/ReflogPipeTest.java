package io.pledge.bench.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A push into a real bare repository stops holding its ref lock while the pipe is in place. */
class ReflogPipeTest {

  private static final RefSpec MAIN = new RefSpec("HEAD:refs/heads/main");

  @TempDir Path dir;

  @Test
  void aPushBlocksHoldingTheRefLockUntilThePipeIsRead() throws Exception {
    Path bare = dir.resolve("store.git");
    Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
    Git clone =
        Git.cloneRepository()
            .setURI(bare.toUri().toString())
            .setDirectory(dir.resolve("w").toFile())
            .call();
    Files.writeString(dir.resolve("w/a.yaml"), "a: 1\n");
    clone.add().addFilepattern("a.yaml").call();
    clone.commit().setMessage("a").setAuthor("t", "t@t").setCommitter("t", "t@t").call();
    clone.push().setRemote("origin").setRefSpecs(MAIN).call(); // the store has its branch
    Files.writeString(dir.resolve("w/b.yaml"), "b: 1\n");
    clone.add().addFilepattern("b.yaml").call();
    clone.commit().setMessage("b").setAuthor("t", "t@t").setCommitter("t", "t@t").call();
    Path lock = bare.resolve("refs/heads/main.lock");

    String config = Files.readString(bare.resolve("config"));
    ReflogPipe pipe = ReflogPipe.install(bare, "main");
    assertThat(Files.readString(bare.resolve("config"))).contains("logallrefupdates = true");
    CompletableFuture<Iterable<PushResult>> push =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return clone.push().setRemote("origin").setRefSpecs(MAIN).call();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.exists(lock) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.getAllStackTraces()
        .forEach(
            (t, st) -> {
              if (java.util.Arrays.toString(st).contains("jgit")) {
                System.err.println("DUMP " + t);
                for (var f : st) System.err.println("   " + f);
              }
            });
    System.err.println(
        "DUMP refs " + java.util.Arrays.toString(bare.resolve("refs/heads").toFile().list()));
    assertThat(lock).exists();
    Thread.sleep(300);
    assertThat(push).isNotDone();
    assertThat(lock).exists();

    try (FileInputStream reader =
        new FileInputStream(bare.resolve("logs/refs/heads/main").toFile())) {
      byte[] buffer = new byte[4096];
      while (reader.read(buffer) >= 0) {
        // lets the blocked push write its reflog line and finish
      }
    }
    PushResult result = push.get(20, TimeUnit.SECONDS).iterator().next();
    pipe.close();

    assertThat(result.getRemoteUpdate("refs/heads/main").getStatus())
        .isEqualTo(RemoteRefUpdate.Status.OK);
    assertThat(lock).doesNotExist();
    assertThat(Files.isRegularFile(bare.resolve("logs/refs/heads/main"))).isFalse();
    assertThat(Files.readString(bare.resolve("config"))).isEqualTo(config);
    clone.close();
  }
}
