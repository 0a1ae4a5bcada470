package io.pledge.runner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.runner.image.RootfsPreparation;
import io.pledge.testkit.oci.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage's limits, in the real sandbox on a busybox root filesystem: what a runaway stage is
 * stopped by, what it leaves on the host, and the reason it fails with.
 */
class SandboxLimitsTest {

  private static final long MIB = 1 << 20;

  /** Small limits, so that each test is quick; the defaults are larger. */
  private static final StageLimits LIMITS =
      new StageLimits(
          new StageLimits.Limit(64 * MIB, "pledge.runner.limits.memory"),
          new StageLimits.Limit(32, "pledge.runner.limits.pids"),
          new StageLimits.Limit(16 * MIB, "pledge.runner.limits.tmp-size"),
          new StageLimits.Limit(4 * MIB, "pledge.runner.max-output-bytes"),
          new StageLimits.Limit(100, "pledge.runner.max-output-files"));

  @TempDir Path dir;

  private SandboxExecutor sandbox;
  private RunFolders folders;
  private Path rootfs;

  @BeforeEach
  void setUp() throws Exception {
    rootfs = dir.resolve("rootfs");
    TestImages.writeBusyboxRootfs(rootfs);
    RootfsPreparation.prepare(rootfs, null);
    sandbox = new SandboxExecutor(Path.of("/usr/bin/bwrap"), 4096, dir.resolve("etc"));
    folders = RunFolders.create(dir.resolve("runs"), "limits");
  }

  private StageResult run(String script, StageLimits limits) {
    return sandbox.run(
        new StageSpec(
            "stage",
            List.of("/bin/sh", "-c", script),
            rootfs,
            Map.of("PATH", "/usr/bin:/bin", "HOME", "/tmp"),
            null,
            folders,
            false,
            Duration.ofSeconds(60),
            0,
            0,
            limits),
        () -> false);
  }

  @Test
  void aForkBombIsStoppedWithThePidsReason() {
    // The test JVM's own children (the shared test registry) are not the stage's.
    Set<Long> before =
        ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
    long started = System.nanoTime();

    StageResult result = run("bomb() { bomb | bomb & }; bomb; sleep 50", LIMITS);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.failureReason("bomb", Duration.ofSeconds(60)))
        .isEqualTo(
            "container bomb ran too many processes (pids limit 32, pledge.runner.limits.pids)");
    // Stopped by the limit, not by the 60 s timeout, and nothing of it is left. (How fast is a
    // matter for a benchmark: on two busy cores a fork bomb takes tens of seconds to wind down.)
    assertThat(result.timedOut()).isFalse();
    System.out.printf(
        "fork bomb stopped after %d ms%n",
        Duration.ofNanos(System.nanoTime() - started).toMillis());
    assertThat(ProcessHandle.current().descendants().filter(p -> !before.contains(p.pid())))
        .isEmpty();
  }

  @Test
  void aStageMayRunUpToItsPidsLimit() {
    StageResult result = run("for i in $(seq 1 20); do sleep 1 & done; wait; echo done", LIMITS);

    assertThat(result.succeeded()).as(result.stderr()).isTrue();
    assertThat(result.stdout()).isEqualTo("done\n");
  }

  @Test
  void oneGibibyteWrittenToTheOutputStopsAtTheLimitAndNeverReachesTheDisk() throws Exception {
    StageResult result =
        run("dd if=/dev/zero of=/kratix/output/big bs=1M count=1024 2>&1; echo dd=$?", LIMITS);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.failureReason("writer", Duration.ofSeconds(60)))
        .contains("output exceeded 4Mi");
    // The kernel refused every byte past the limit (and one, to tell a full file from a cut one).
    assertThat(Files.size(folders.output().resolve("big"))).isLessThanOrEqualTo(4 * MIB + 1);
  }

  @Test
  void oneGibibyteWrittenAsManyOutputFilesIsStoppedWhileRunning() throws Exception {
    StageResult result =
        run(
            "for i in $(seq 1 1024); do"
                + " dd if=/dev/zero of=/kratix/output/f$i bs=1M count=1 2>/dev/null; done",
            LIMITS);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.failureReason("writer", Duration.ofSeconds(60)))
        .isEqualTo(
            "container writer output exceeded 4Mi: wrote more than that to /kratix/output"
                + " (pledge.runner.max-output-bytes)");
    // Stopped while it ran: the loop never wrote its 1 GiB. How far past 4 MiB it got depends on
    // how fast the files come before the watch's first look (50 ms): dd here writes about 1 MiB a
    // millisecond, and 29 MiB to 392 MiB were seen; the figure is printed, not asserted.
    long written = Trees.size(folders.output());
    System.out.printf("stopped with %d MiB written%n", written / MIB);
    assertThat(written).isLessThan(1024 * MIB);
  }

  @Test
  void oneGibibyteWrittenToTmpFillsItsTmpfs() {
    StageResult result =
        run(
            "for i in $(seq 1 1024); do"
                + " dd if=/dev/zero of=/tmp/f$i bs=1M count=1 || exit 1; done",
            LIMITS);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.failureReason("scratch", Duration.ofSeconds(60)))
        .isEqualTo(
            "container scratch filled /tmp: /tmp is full (16Mi, pledge.runner.limits.tmp-size)");
    assertThat(result.stderr()).contains("No space left on device");
  }

  @Test
  void oneFileLargerThanTheOutputLimitCannotBeWrittenInTmpEither() {
    StageResult result = run("dd if=/dev/zero of=/tmp/big bs=1M count=1024", LIMITS);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.failureReason("scratch", Duration.ofSeconds(60)))
        .isEqualTo(
            "container scratch wrote a file larger than the output limit 4Mi"
                + " (pledge.runner.max-output-bytes; no file may be larger, in /tmp either)");
  }

  @Test
  void aMemoryHogFailsWithTheMemoryReason() {
    StageResult result = run("awk 'BEGIN { s = \"x\"; while (1) s = s s }'", LIMITS);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.failureReason("hog", Duration.ofSeconds(60)))
        .isEqualTo("container hog exceeded the memory limit 64Mi (pledge.runner.limits.memory)");
  }

  @Test
  void manyProcessesTogetherOverTheMemoryLimitAreStopped() {
    // Each holds 24 MiB, under the per-process limit; four of them are over it together.
    StageResult result =
        run(
            "for i in 1 2 3 4; do"
                + " awk 'BEGIN { s = sprintf(\"%25165824s\", \"\"); system(\"sleep 30\") }' &"
                + " done; wait",
            LIMITS);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.failureReason("hogs", Duration.ofSeconds(60)))
        .startsWith(
            "container hogs exceeded the memory limit 64Mi (pledge.runner.limits.memory):"
                + " its processes held ");
    assertThat(result.timedOut()).isFalse();
  }

  @Test
  void theStageSeesItsLimits() {
    StageResult result =
        run(
            "grep -E 'Max (data|file) size' /proc/self/limits | tr -s ' '; df -k /tmp | tail -1",
            LIMITS);

    assertThat(result.succeeded()).as(result.stderr()).isTrue();
    assertThat(result.stdout())
        .contains("Max file size " + (4 * MIB + 1) + " " + (4 * MIB + 1) + " bytes")
        .contains("Max data size " + 64 * MIB + " " + 64 * MIB + " bytes")
        .contains(" 16384 ");
  }
}
