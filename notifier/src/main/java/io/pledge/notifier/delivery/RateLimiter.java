package io.pledge.notifier.delivery;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per destination (a webhook or API URL): at most {@code perSecond} requests a
 * second on average, with bursts of up to {@code burst}. Slack, for one, allows about one message a
 * second per incoming webhook and answers 429 beyond that; waiting here is cheaper than a rejected
 * post and its backoff. Called from the notifier's one delivery thread, but safe for more.
 */
public final class RateLimiter {

  private final double perSecond;
  private final double burst;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private final Map<String, Bucket> buckets = new HashMap<>();

  /**
   * @param perSecond tokens added per second; 0 or less: no limit
   * @param burst bucket size, at least 1
   */
  public RateLimiter(double perSecond, int burst, LongSupplier nanoTime, Sleeper sleeper) {
    this.perSecond = perSecond;
    this.burst = Math.max(1, burst);
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  /** No limit at all. */
  public static RateLimiter unlimited() {
    return new RateLimiter(0, 1, System::nanoTime, d -> {});
  }

  /** Waits until a request to {@code destination} is allowed, and takes its token. */
  public void acquire(String destination) throws InterruptedException {
    if (perSecond <= 0) {
      return;
    }
    Duration wait;
    while (!(wait = tryAcquire(destination)).isZero()) {
      sleeper.sleep(wait);
    }
  }

  /** Takes a token if there is one (then returns zero), else returns how long until there is. */
  synchronized Duration tryAcquire(String destination) {
    long now = nanoTime.getAsLong();
    Bucket bucket = buckets.computeIfAbsent(destination, d -> new Bucket(burst, now));
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) / 1e9 * perSecond);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return Duration.ZERO;
    }
    long nanos = (long) Math.ceil((1 - bucket.tokens) / perSecond * 1e9);
    return Duration.ofNanos(Math.max(1, nanos));
  }

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }
}
