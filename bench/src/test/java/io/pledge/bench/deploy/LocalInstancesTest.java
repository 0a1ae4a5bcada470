package io.pledge.bench.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/local's instances (PLEDGE_REPLICAS, issue #15) as the scripts name them and as the harness
 * finds them: lib.sh's names, ports and per-instance settings, its {@code start} recording pids
 * that {@link Deployment} follows, and {@code deploy/local/down} stopping every one. Runs the real
 * scripts with {@code sleep} standing in for the services, so it takes a second.
 */
class LocalInstancesTest {

  private static final Path ROOT = checkout();

  @TempDir Path home;
  private final Set<ProcessHandle> started = new LinkedHashSet<>();

  @AfterEach
  void killWhatIsLeft() {
    started.forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void givesEachInstanceTheBasePortPlusAHundredPerInstance() throws Exception {
    String out =
        bash(
            "2",
            "for s in \"${SERVICES[@]}\"; do for i in $(instances \"$s\"); do"
                + " echo \"$i $(instance_port \"$i\")\"; done; done");

    assertThat(out.lines())
        .containsExactly(
            "request-intake-1 8080",
            "request-intake-2 8180",
            "pipeline-runner-1 8081",
            "pipeline-runner-2 8181",
            "state-writer-1 8082",
            "state-writer-2 8182",
            "notifier-1 8083",
            "notifier-2 8183");
  }

  @Test
  void oneInstanceByDefaultNamedWithItsNumber() throws Exception {
    assertThat(bash(null, "instances notifier; instance_port notifier-1").lines())
        .containsExactly("notifier-1", "8083");
  }

  @Test
  void keepsWhatEachInstanceWritesOnDiskApart() throws Exception {
    assertThat(bash("2", "instance_env request-intake-2").lines())
        .containsExactlyInAnyOrder(
            "QUARKUS_HTTP_PORT=8180",
            "PLEDGE_INSTANCE_ID=request-intake-2",
            "PLEDGE_INTAKE_RESOURCES_STATE_DIR=" + home + "/state/request-intake-2");
    assertThat(bash("2", "instance_env pipeline-runner-1").lines())
        .contains("PLEDGE_RUNNER_WORK_DIR=" + home + "/pipeline-runner-1");
    assertThat(bash("2", "instance_env state-writer-2").lines())
        .contains("PLEDGE_WRITER_WORK_DIR=" + home + "/state-writer-2");
    assertThat(bash("2", "instance_env notifier-2").lines())
        .contains("PLEDGE_NOTIFIER_KAFKA_INSTANCE_ID=notifier-2");
  }

  @Test
  void refusesAReplicaCountThatIsNotACount() throws Exception {
    for (String bad : List.of("0", "two", "-1", "10")) {
      assertThat(run(List.of("bash", "-c", "source deploy/local/lib.sh && echo sourced"), bad))
          .as("PLEDGE_REPLICAS=%s", bad)
          .isNotEqualTo(0);
    }
  }

  @Test
  void downStopsEveryInstanceThatStartRecorded() throws Exception {
    bash(
        "3",
        "for s in \"${SERVICES[@]}\"; do for i in $(instances \"$s\"); do"
            + " start \"$i\" sleep 300; done; done");
    // A service started before instances had names (run/<service>.pid) is stopped as well.
    Process legacy = new ProcessBuilder("sleep", "300").start();
    started.add(legacy.toHandle());
    Files.writeString(home.resolve("run/notifier.pid"), Long.toString(legacy.pid()));
    Deployment deployment =
        new Deployment(
            ROOT, home, "127.0.0.1:9", URI.create("http://127.0.0.1:9"), null, home, Map.of());
    for (String service :
        List.of("request-intake", "pipeline-runner", "state-writer", "notifier")) {
      assertThat(PidFiles.find(home.resolve("run"), service))
          .containsKeys(service + "-1", service + "-2", service + "-3");
      started.addAll(deployment.processes(service));
    }
    assertThat(started).hasSize(13).allMatch(ProcessHandle::isAlive);
    assertThat(deployment.log("state-writer")).isEqualTo(home.resolve("logs/state-writer-1.log"));
    assertThat(home.resolve("logs/state-writer-3.log")).exists();

    assertThat(run(List.of(ROOT.resolve("deploy/local/down").toString()), null)).isEqualTo(0);

    for (ProcessHandle p : started) {
      assertThat(p.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
    }
    try (Stream<Path> left = Files.list(home.resolve("run"))) {
      assertThat(left.filter(f -> f.toString().endsWith(".pid"))).isEmpty();
    }
  }

  /** Sources lib.sh with PLEDGE_REPLICAS={@code replicas} (unset: null), runs {@code script}. */
  private String bash(String replicas, String script) throws IOException, InterruptedException {
    Path out = home.resolve("bash.out");
    ProcessBuilder pb =
        builder(
            List.of("bash", "-c", "set -euo pipefail; source deploy/local/lib.sh; " + script),
            replicas);
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(script).isEqualTo(0);
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private int run(List<String> command, String replicas) throws IOException, InterruptedException {
    Process p = builder(command, replicas).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  /** A clean environment: the lib's own defaults, whatever the shell running the build set. */
  private ProcessBuilder builder(List<String> command, String replicas) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("PLEDGE_") || k.startsWith("KAFKA_"));
    pb.environment().put("PLEDGE_HOME", home.toString());
    Optional.ofNullable(replicas).ifPresent(r -> pb.environment().put("PLEDGE_REPLICAS", r));
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    return pb;
  }

  private static Path checkout() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("deploy/local/lib.sh"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "deploy/local/lib.sh not found above " + Path.of("").toAbsolutePath());
  }
}
