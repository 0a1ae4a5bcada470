package io.pledge.runner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.runner.image.RootfsPreparation;
import io.pledge.testkit.oci.TestImages;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox itself, on a busybox root filesystem (the image cache's part is tested apart). */
class SandboxExecutorTest {

  private static final Path BWRAP = Path.of("/usr/bin/bwrap");

  @TempDir Path dir;

  private SandboxExecutor sandbox;
  private RunFolders folders;
  private Path rootfs;

  @BeforeEach
  void setUp() throws Exception {
    rootfs = dir.resolve("rootfs");
    TestImages.writeBusyboxRootfs(rootfs);
    RootfsPreparation.prepare(rootfs, null);
    sandbox = new SandboxExecutor(BWRAP, 4096, dir.resolve("etc"));
    folders = RunFolders.create(dir.resolve("runs"), "test");
    Files.writeString(
        folders.input().resolve("object.yaml"), "kind: Thing\nspec:\n  size: small\n");
  }

  private StageSpec bash(
      String script, boolean network, Duration timeout, Map<String, String> env) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("PATH", "/usr/bin:/bin");
    all.put("HOME", "/tmp");
    all.putAll(env);
    return new StageSpec(
        "stage",
        List.of("/bin/sh", "-c", script),
        rootfs,
        all,
        null,
        folders,
        network,
        timeout,
        0,
        0);
  }

  private StageResult run(String script) {
    return sandbox.run(bash(script, false, Duration.ofSeconds(20), Map.of()), () -> false);
  }

  @Test
  void seesItsEnvironmentAndNothingOfTheServices() {
    StageResult result =
        sandbox.run(
            bash(
                "echo \"$KRATIX_PROMISE_NAME $HOME\"; env | sort | cut -d= -f1 | tr '\\n' ' '",
                false,
                Duration.ofSeconds(20),
                Map.of("KRATIX_PROMISE_NAME", "postgresql")),
            () -> false);

    assertThat(result.succeeded()).as(result.stderr()).isTrue();
    String[] lines = result.stdout().split("\n");
    assertThat(lines[0]).isEqualTo("postgresql /tmp");
    assertThat(lines[1].trim().split(" "))
        .contains("KRATIX_PROMISE_NAME", "PATH", "HOME")
        .isSubsetOf("HOME", "KRATIX_PROMISE_NAME", "PATH", "PWD", "SHLVL", "_", "OLDPWD");
  }

  @Test
  void runsOnTheImageRootAsTheMappedUserWithAPodsEtcFiles() throws Exception {
    StageResult result =
        sandbox.run(
            new StageSpec(
                "stage",
                List.of("/bin/sh", "-c", "id -u; id -g; cat /etc/hosts; ls /; touch /x; echo x=$?"),
                rootfs,
                Map.of("PATH", "/bin"),
                "/tmp",
                folders,
                false,
                Duration.ofSeconds(20),
                1234,
                2345),
            () -> false);

    assertThat(result.succeeded()).as(result.stderr()).isTrue();
    assertThat(result.stdout())
        .startsWith("1234\n2345\n")
        .contains("127.0.0.1\tlocalhost", "kratix", "x=1")
        .doesNotContain("lost+found", "home\n");
  }

  @Test
  void readsTheObjectAndWritesOutputAndMetadata() throws Exception {
    StageResult result =
        run(
            "grep -q 'size: small' /kratix/input/object.yaml"
                + " && echo ok > /kratix/output/out.yaml"
                + " && echo 'message: hi' > /kratix/metadata/status.yaml");

    assertThat(result.succeeded()).as(result.stderr()).isTrue();
    assertThat(Files.readString(folders.output().resolve("out.yaml"))).isEqualTo("ok\n");
    assertThat(folders.metadata().resolve("status.yaml")).exists();
  }

  @Test
  void cannotWriteItsInputTheHostSystemOrTheRepository() throws Exception {
    Path repo = Path.of("").toAbsolutePath();
    StageResult result =
        run(
            "echo x > /kratix/input/object.yaml; echo input=$?;"
                + " touch /usr/pledge-escape; echo usr=$?;"
                + " touch /etc/pledge-escape; echo etc=$?;"
                + " ls "
                + repo
                + " >/dev/null 2>&1; echo repo=$?;"
                + " cat /etc/shadow >/dev/null 2>&1; echo shadow=$?");

    assertThat(result.stdout())
        .contains("input=1", "usr=1", "etc=1", "shadow=1")
        .doesNotContain("repo=0");
    assertThat(Files.readString(folders.input().resolve("object.yaml"))).contains("size: small");
    assertThat(Path.of("/usr/pledge-escape")).doesNotExist();
  }

  @Test
  void hasNoNetworkUnlessThePipelineOptsIn() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String connect =
          // busybox nc -e: connect, run the program, hang up; no wait for the server to close.
          "nc -w 2 127.0.0.1 " + server.getLocalPort() + " -e true && echo connected";

      StageResult isolated = run(connect);
      StageResult networked =
          sandbox.run(bash(connect, true, Duration.ofSeconds(20), Map.of()), () -> false);

      assertThat(isolated.succeeded()).isFalse();
      assertThat(isolated.stdout()).doesNotContain("connected");
      assertThat(networked.succeeded()).as(networked.stderr()).isTrue();
      assertThat(networked.stdout()).contains("connected");
    }
  }

  @Test
  void killsTheWholeProcessTreeAtTheTimeout() throws Exception {
    Path marker = folders.output().resolve("late");
    long started = System.nanoTime();

    StageResult result =
        sandbox.run(
            bash(
                "(sleep 3; touch /kratix/output/late) & sleep 30",
                false,
                Duration.ofSeconds(1),
                Map.of()),
            () -> false);

    assertThat(result.timedOut()).isTrue();
    assertThat(result.succeeded()).isFalse();
    assertThat(result.failureReason("stage", Duration.ofSeconds(1))).contains("timed out");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    Thread.sleep(3500);
    assertThat(marker).doesNotExist();
  }

  @Test
  void stopsWhenCancelled() {
    long started = System.nanoTime();

    StageResult result =
        sandbox.run(bash("sleep 30", false, Duration.ofSeconds(60), Map.of()), () -> true);

    assertThat(result.cancelled()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void keepsOnlyTheTailOfALongOutput() {
    StageResult result = run("seq 1 100000; echo failing >&2; exit 3");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.truncated()).isTrue();
    assertThat(result.stdout().length()).isLessThanOrEqualTo(4096);
    assertThat(result.stdout()).endsWith("100000\n");
    assertThat(result.stderr()).isEqualTo("failing\n");
  }

  @Test
  void refusesToRunWithoutBubblewrap() {
    SandboxExecutor missing =
        new SandboxExecutor(dir.resolve("no-bwrap"), 4096, dir.resolve("etc2"));

    StageResult result =
        missing.run(bash("true", false, Duration.ofSeconds(5), Map.of()), () -> false);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.startError()).contains("apt-get install -y bubblewrap");
    assertThat(missing.unavailableReason()).contains("bubblewrap");
  }
}
