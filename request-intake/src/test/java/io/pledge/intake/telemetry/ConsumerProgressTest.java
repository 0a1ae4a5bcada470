package io.pledge.intake.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerProgressTest {

  @Test
  void sumsCommittedOffsetsAndLagPerTopicAndGroup() {
    ConsumerProgress progress =
        ConsumerProgress.of(
            "pledge-pipeline-runner",
            Map.of("pledge.requests", Map.of(0, 10L, 1, 5L), "pledge.dryruns", Map.of(0, 2L)),
            Map.of("pledge.requests", Map.of(0, 12L, 1, 5L), "pledge.dryruns", Map.of(0, 2L)));

    assertThat(progress.committed()).isEqualTo(17);
    assertThat(progress.lag()).isEqualTo(2);
    assertThat(progress.topics())
        .containsExactly(
            new ConsumerProgress.Topic("pledge.dryruns", 1, 2, 0),
            new ConsumerProgress.Topic("pledge.requests", 2, 15, 2));
  }

  @Test
  void aPartitionThatEndsBeforeTheCommitHasNoLagAndAnUnknownEndCountsAsReadToTheEnd() {
    ConsumerProgress progress =
        ConsumerProgress.of("g", Map.of("t", Map.of(0, 9L, 1, 4L)), Map.of("t", Map.of(0, 7L)));

    assertThat(progress.lag()).isZero();
    assertThat(progress.committed()).isEqualTo(13);
  }
}
