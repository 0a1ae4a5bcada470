package io.pledge.bench.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ManifestTest {

  @Test
  void readsGenerationAndSeqOfTheStagesConfigMap() {
    String yaml =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bench-r-1\n  namespace: load\n"
            + "data:\n  generation: \"4\"\n  seq: \"1234\"\n  size: \"small\"\n";
    assertThat(Manifest.parse("load/bench/r-1", "p", yaml))
        .isEqualTo(new Manifest("load/bench/r-1", 4, 1234, "p"));
    assertThat(Manifest.parse("k", "p", "data: {}\n").generation()).isEqualTo(-1);
  }
}
