package io.pledge.bench.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Git levers chaos pulls, on a real process and the file system's own notifications. */
class DeploymentTest {

  @TempDir Path home;
  private Process writer;
  private Deployment deployment;
  private Path lock;

  @BeforeEach
  void startAStandInWriter() throws Exception {
    Files.createDirectories(home.resolve("state-store.git/refs/heads"));
    Files.createDirectories(home.resolve("run"));
    Files.createDirectories(home.resolve("logs"));
    writer = new ProcessBuilder("sleep", "300").start();
    Files.writeString(home.resolve("run/state-writer.pid"), Long.toString(writer.pid()));
    deployment =
        new Deployment(
            Path.of("."), home, "127.0.0.1:9", URI.create("http://127.0.0.1:9"), null, home);
    lock = home.resolve("state-store.git/refs/heads/main.lock");
  }

  @AfterEach
  void stop() {
    writer.destroyForcibly();
  }

  @Test
  void killsTheWriterTheMomentItTakesTheRefLock() throws Exception {
    CompletableFuture<Deployment.PushKill> kill =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return deployment.killInsidePush("state-writer", "main", Duration.ofSeconds(20));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(300);
    assertThat(writer.isAlive()).isTrue();
    Files.createFile(lock); // what the stand-in's push does, then it never gets to finish

    Deployment.PushKill result = kill.get(20, TimeUnit.SECONDS);

    assertThat(result.killed()).isTrue();
    assertThat(result.lockLeft()).isTrue();
    assertThat(writer.waitFor(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void killsNothingWhenNoPushHappens() throws Exception {
    Files.createFile(home.resolve("state-store.git/refs/heads/other.lock"));

    Deployment.PushKill result =
        deployment.killInsidePush("state-writer", "main", Duration.ofMillis(500));

    assertThat(result.killed()).isFalse();
    assertThat(writer.isAlive()).isTrue();
  }

  @Test
  void releasesOnlyTheLockItTookItself() throws Exception {
    deployment.refusePushes("main");
    assertThat(lock).exists();
    deployment.allowPushes();
    assertThat(lock).doesNotExist();

    Files.createFile(lock); // left by a killed writer: the writer's to recover from
    deployment.allowPushes();
    assertThat(lock).exists();
  }
}
