package io.pledge.bench.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill-one's lever: the last instance is killed and stays down, because every later {@code
 * deploy/local/up} (a stand-in script here that records what it was given) is told one replica
 * fewer.
 */
class KillForGoodTest {

  @TempDir Path root;
  private Path home;
  private Process first;
  private Process second;
  private Deployment deployment;

  @BeforeEach
  void startTwoStandInInstances() throws Exception {
    home = root.resolve("home");
    Files.createDirectories(home.resolve("run"));
    Path up = root.resolve("deploy/local/up");
    Files.createDirectories(up.getParent());
    Files.writeString(up, "#!/bin/sh\necho \"$PLEDGE_REPLICAS\" >> \"$0.replicas\"\n");
    Files.setPosixFilePermissions(up, PosixFilePermissions.fromString("rwxr-xr-x"));
    first = new ProcessBuilder("sleep", "300").start();
    second = new ProcessBuilder("sleep", "300").start();
    Files.writeString(home.resolve("run/notifier-1.pid"), Long.toString(first.pid()));
    Files.writeString(home.resolve("run/notifier-2.pid"), Long.toString(second.pid()));
    deployment =
        new Deployment(
            root,
            home,
            "127.0.0.1:9",
            Deployment.instanceUris(URI.create("http://127.0.0.1:20002"), 2),
            null,
            home,
            Map.of());
  }

  @AfterEach
  void stop() {
    first.destroyForcibly();
    second.destroyForcibly();
  }

  @Test
  void theLastInstanceIsKilledAndNoLaterUpStartsItAgain() throws Exception {
    assertThat(deployment.intakes())
        .containsExactly(
            URI.create("http://127.0.0.1:20002"), URI.create("http://127.0.0.1:20102"));
    assertThat(deployment.lastInstance("notifier")).contains("notifier-2");
    deployment.up();

    deployment.killForGood("notifier-2");
    deployment.up();

    assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(first.isAlive()).isTrue();
    assertThat(deployment.lastInstance("notifier")).contains("notifier-1");
    assertThat(Files.readAllLines(root.resolve("deploy/local/up.replicas")))
        .isEqualTo(List.of("2", "1"));
  }
}
