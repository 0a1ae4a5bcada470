package io.pledge.bench.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFilesTest {

  @TempDir Path run;

  @Test
  void findsTheSingleInstanceAndEachReplicaInOrder() throws Exception {
    Files.writeString(run.resolve("notifier.pid"), "100\n");
    Files.writeString(run.resolve("notifier-10.pid"), "110\n");
    Files.writeString(run.resolve("notifier-2.pid"), "102\n");
    Files.writeString(run.resolve("notifier-x.pid"), "999\n");
    Files.writeString(run.resolve("notifier-ledger.pid"), "998\n");
    Files.writeString(run.resolve("notifier-3.pid"), "not a pid\n");
    Files.writeString(run.resolve("pipeline-runner-1.pid"), "201");
    assertThat(PidFiles.find(run, "notifier"))
        .containsExactly(
            java.util.Map.entry("notifier", 100L),
            java.util.Map.entry("notifier-2", 102L),
            java.util.Map.entry("notifier-10", 110L));
    assertThat(PidFiles.find(run, "pipeline-runner")).containsOnlyKeys("pipeline-runner-1");
    assertThat(PidFiles.find(run, "state-writer")).isEmpty();
    assertThat(PidFiles.find(run.resolve("missing"), "notifier")).isEmpty();
  }

  @Test
  void anInstanceBelongsToItsService() {
    assertThat(PidFiles.service("notifier-2")).isEqualTo("notifier");
    assertThat(PidFiles.service("state-writer")).isEqualTo("state-writer");
    assertThat(PidFiles.service("kafka")).isEqualTo("kafka");
  }
}
