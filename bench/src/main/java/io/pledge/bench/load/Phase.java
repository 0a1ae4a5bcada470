package io.pledge.bench.load;

/**
 * One stretch of load, drained before the next starts.
 *
 * @param name {@code warmup}, {@code latency}, {@code throughput}, {@code load} or {@code chaos}
 * @param requests how many requests it sends
 * @param rate requests per second, or null for as fast as Pledge takes them
 * @param measured whether its figures are reported (the warm-up's are not)
 */
public record Phase(String name, int requests, Double rate, boolean measured) {

  public String rateText() {
    if (rate == null) {
      return "max";
    }
    return String.format(
        java.util.Locale.ROOT, rate == Math.rint(rate) ? "%.0f/s" : "%.1f/s", rate);
  }
}
