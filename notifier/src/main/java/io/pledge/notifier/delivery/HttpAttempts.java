package io.pledge.notifier.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** How an HTTP answer counts as an {@link Attempt}, for every HTTP channel. */
public final class HttpAttempts {

  private static final int BODY_IN_DETAIL = 120;

  private HttpAttempts() {}

  /**
   * 2xx: sent; 429 (honouring {@code Retry-After}) and 5xx: retryable; any other status: permanent
   * (the request itself is wrong, sending it again cannot help).
   */
  public static Attempt classify(
      int status, Optional<String> retryAfter, String body, Clock clock) {
    String detail = "HTTP " + status + bodySuffix(body);
    if (status >= 200 && status < 300) {
      return Attempt.sent(detail);
    }
    if (status == 429) {
      return Attempt.retryable(detail, retryAfter.flatMap(v -> parseRetryAfter(v, clock)));
    }
    if (status >= 500) {
      return Attempt.retryable(detail);
    }
    return Attempt.permanent(detail);
  }

  /** {@code Retry-After} as delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
  public static Optional<Duration> parseRetryAfter(String value, Clock clock) {
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(clock.instant(), at.toInstant());
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }

  private static String bodySuffix(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String oneLine = body.strip().replaceAll("\\s+", " ");
    return ": "
        + (oneLine.length() > BODY_IN_DETAIL
            ? oneLine.substring(0, BODY_IN_DETAIL) + "..."
            : oneLine);
  }
}
