package io.pledge.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatencyStatsTest {

  @Test
  void percentilesAreNearestRankOfObservedValues() {
    long[] micros = new long[100];
    for (int i = 0; i < 100; i++) {
      micros[i] = (100 - i) * 1_000L; // 100 ms down to 1 ms, unsorted
    }
    LatencyStats s = LatencyStats.ofMicros(micros);
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.p50()).isEqualTo(50.0);
    assertThat(s.p90()).isEqualTo(90.0);
    assertThat(s.p99()).isEqualTo(99.0);
    assertThat(s.max()).isEqualTo(100.0);
    assertThat(s.mean()).isEqualTo(50.5);
    assertThat(micros[0]).as("input left as it was").isEqualTo(100_000L);
  }

  @Test
  void smallSetsTakeTheValueAtTheRoundedUpRank() {
    long[] sorted = {10, 20, 30};
    assertThat(LatencyStats.percentile(sorted, 50)).isEqualTo(20);
    assertThat(LatencyStats.percentile(sorted, 99)).isEqualTo(30);
    assertThat(LatencyStats.percentile(sorted, 1)).isEqualTo(10);
  }

  @Test
  void noValuesGiveEmptyStatsAndNoPercentile() {
    assertThat(LatencyStats.ofMicros(new long[0])).isEqualTo(LatencyStats.EMPTY);
    assertThatThrownBy(() -> LatencyStats.percentile(new long[0], 50))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LatencyStats.percentile(new long[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
