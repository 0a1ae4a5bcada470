package io.pledge.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ThroughputTest {

  @Test
  void sustainedRateIgnoresRampUpAndTail() {
    long[] done = new long[100];
    for (int i = 0; i < 100; i++) {
      done[i] = i * 10_000L; // one every 10 ms: 100/s
    }
    done[0] = -5_000_000; // a slow start
    done[99] = 60_000_000; // and a straggler
    assertThat(Throughput.sustained(done)).isCloseTo(100.0, within(0.01));
  }

  @Test
  void fewCompletionsUseTheWholeSpan() {
    assertThat(Throughput.sustained(new long[] {0, 500_000, 1_000_000}))
        .isCloseTo(2.0, within(1e-9));
    assertThat(Throughput.sustained(new long[] {7})).isNaN();
    assertThat(Throughput.sustained(new long[] {7, 7})).isNaN();
  }

  @Test
  void overallRateCountsFromTheFirstSend() {
    assertThat(Throughput.overall(0, new long[] {1_000_000, 2_000_000}))
        .isCloseTo(1.0, within(1e-9));
    assertThat(Throughput.overall(0, new long[0])).isNaN();
  }

  @Test
  void perSecondBucketsCountFromTheOrigin() {
    int[] buckets =
        Throughput.perSecond(1_000_000, new long[] {500_000, 1_000_000, 1_999_999, 3_200_000});
    assertThat(buckets).containsExactly(2, 0, 1);
  }
}
