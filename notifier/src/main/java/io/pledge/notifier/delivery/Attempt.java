package io.pledge.notifier.delivery;

import java.time.Duration;
import java.util.Optional;

/**
 * What one try at a notification gave.
 *
 * @param result sent, worth retrying, or not worth retrying
 * @param detail a short description for the outcome event (never a secret)
 * @param retryAfter how long the receiver asked us to wait (HTTP 429 {@code Retry-After})
 */
public record Attempt(Result result, String detail, Optional<Duration> retryAfter) {

  /** The three ways a try ends. */
  public enum Result {
    SENT,
    RETRYABLE,
    PERMANENT
  }

  public static Attempt sent(String detail) {
    return new Attempt(Result.SENT, detail, Optional.empty());
  }

  public static Attempt retryable(String detail) {
    return new Attempt(Result.RETRYABLE, detail, Optional.empty());
  }

  public static Attempt retryable(String detail, Optional<Duration> retryAfter) {
    return new Attempt(Result.RETRYABLE, detail, retryAfter);
  }

  public static Attempt permanent(String detail) {
    return new Attempt(Result.PERMANENT, detail, Optional.empty());
  }
}
