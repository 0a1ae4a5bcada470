package io.pledge.notifier.delivery;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When to try a notification again: exponential backoff with jitter, or what the receiver asked for
 * in {@code Retry-After} if that is longer, up to a number of attempts.
 */
public final class RetryPolicy {

  private final int maxAttempts;
  private final Duration base;
  private final Duration max;
  private final Duration retryAfterMax;
  private final DoubleSupplier random;

  public RetryPolicy(int maxAttempts, Duration base, Duration max, Duration retryAfterMax) {
    this(maxAttempts, base, max, retryAfterMax, () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * @param random a value in [0, 1) per call, the jitter
   */
  public RetryPolicy(
      int maxAttempts, Duration base, Duration max, Duration retryAfterMax, DoubleSupplier random) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be at least 1: " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    this.base = base;
    this.max = max;
    this.retryAfterMax = retryAfterMax;
    this.random = random;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * How long to wait after attempt number {@code attempt} (from 1) ended as {@code failed}; empty
   * when there is no next attempt.
   */
  public Optional<Duration> delayAfter(int attempt, Attempt failed) {
    if (failed.result() != Attempt.Result.RETRYABLE || attempt >= maxAttempts) {
      return Optional.empty();
    }
    Duration backoff = jittered(exponential(attempt));
    Optional<Duration> asked =
        failed.retryAfter().map(d -> d.compareTo(retryAfterMax) > 0 ? retryAfterMax : d);
    return Optional.of(asked.filter(d -> d.compareTo(backoff) > 0).orElse(backoff));
  }

  private Duration exponential(int attempt) {
    // base * 2^(attempt-1), without overflowing for large attempt numbers.
    long factor = 1L << Math.min(attempt - 1, 30);
    long millis =
        base.toMillis() > max.toMillis() / factor ? max.toMillis() : base.toMillis() * factor;
    return Duration.ofMillis(Math.min(millis, max.toMillis()));
  }

  /** "Equal jitter": half fixed, half random, so retries of many notifications spread out. */
  private Duration jittered(Duration d) {
    long half = d.toMillis() / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (d.toMillis() - half)));
  }
}
