package io.pledge.bench.measure;

import java.util.Arrays;

/** Throughput figures from completion times. Pure. */
public final class Throughput {

  private Throughput() {}

  /**
   * Requests per second between the 10th and the 90th percentile completion: the steady state,
   * without the ramp-up and the tail. With fewer than 10 completions, the overall rate from the
   * first to the last completion. NaN when it cannot be told (fewer than 2 completions, or all at
   * the same instant).
   */
  public static double sustained(long[] completionMicros) {
    int n = completionMicros.length;
    if (n < 2) {
      return Double.NaN;
    }
    long[] t = completionMicros.clone();
    Arrays.sort(t);
    int from = n < 10 ? 0 : (int) Math.floor(0.1 * n);
    int to = n < 10 ? n - 1 : (int) Math.ceil(0.9 * n) - 1;
    long span = t[to] - t[from];
    return span <= 0 ? Double.NaN : (to - from) / (span / 1_000_000.0);
  }

  /** Requests per second from {@code firstSent} to the last completion. */
  public static double overall(long firstSentMicros, long[] completionMicros) {
    if (completionMicros.length == 0) {
      return Double.NaN;
    }
    long last = Arrays.stream(completionMicros).max().getAsLong();
    long span = last - firstSentMicros;
    return span <= 0 ? Double.NaN : completionMicros.length / (span / 1_000_000.0);
  }

  /**
   * Counts per one-second bucket from {@code originMicros}: {@code buckets[i]} is how many times
   * fall in second i. Times before the origin are left out.
   */
  public static int[] perSecond(long originMicros, long[] timesMicros) {
    long last = originMicros;
    for (long t : timesMicros) {
      last = Math.max(last, t);
    }
    int[] buckets = new int[(int) ((last - originMicros) / 1_000_000) + 1];
    for (long t : timesMicros) {
      if (t >= originMicros) {
        buckets[(int) ((t - originMicros) / 1_000_000)]++;
      }
    }
    return buckets;
  }
}
