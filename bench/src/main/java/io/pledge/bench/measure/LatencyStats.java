package io.pledge.bench.measure;

import java.util.Arrays;

/**
 * Percentiles of a set of latencies, in milliseconds. Nearest-rank percentiles: p99 of 100 values
 * is the 99th smallest, so every figure is a latency that was actually observed.
 */
public record LatencyStats(int count, double p50, double p90, double p99, double max, double mean) {

  public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0, 0);

  /** The statistics of {@code micros} (any order; not modified). */
  public static LatencyStats ofMicros(long[] micros) {
    if (micros.length == 0) {
      return EMPTY;
    }
    long[] sorted = micros.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (long m : sorted) {
      sum += m;
    }
    return new LatencyStats(
        sorted.length,
        percentile(sorted, 50) / 1000.0,
        percentile(sorted, 90) / 1000.0,
        percentile(sorted, 99) / 1000.0,
        sorted[sorted.length - 1] / 1000.0,
        sum / sorted.length / 1000.0);
  }

  /** The nearest-rank {@code p}th percentile (0 < p ≤ 100) of ascending {@code sorted}. */
  public static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile out of (0, 100]: " + p);
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
