package io.pledge.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpAttemptsTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-03T10:00:00Z"), ZoneOffset.UTC);

  private static Attempt classify(int status, String retryAfter, String body) {
    return HttpAttempts.classify(status, Optional.ofNullable(retryAfter), body, CLOCK);
  }

  @Test
  void twoHundredsAreSent() {
    assertThat(classify(200, null, "ok")).isEqualTo(Attempt.sent("HTTP 200: ok"));
    assertThat(classify(204, null, "").result()).isEqualTo(Attempt.Result.SENT);
  }

  @Test
  void serverErrorsAreRetried() {
    assertThat(classify(500, null, null).result()).isEqualTo(Attempt.Result.RETRYABLE);
    assertThat(classify(503, null, "down").detail()).isEqualTo("HTTP 503: down");
  }

  @Test
  void tooManyRequestsIsRetriedAfterWhatTheServerAsks() {
    Attempt attempt = classify(429, "7", "rate_limited");

    assertThat(attempt.result()).isEqualTo(Attempt.Result.RETRYABLE);
    assertThat(attempt.retryAfter()).contains(Duration.ofSeconds(7));
  }

  @Test
  void retryAfterMayBeAnHttpDate() {
    assertThat(classify(429, "Tue, 03 Nov 2026 10:00:30 GMT", null).retryAfter())
        .contains(Duration.ofSeconds(30));
  }

  @Test
  void anUnreadableRetryAfterFallsBackToBackoff() {
    assertThat(classify(429, "soon", null).retryAfter()).isEmpty();
  }

  @Test
  void otherClientErrorsAreNotRetried() {
    assertThat(classify(400, null, "invalid_payload"))
        .isEqualTo(Attempt.permanent("HTTP 400: invalid_payload"));
    assertThat(classify(404, null, "no_service").result()).isEqualTo(Attempt.Result.PERMANENT);
    assertThat(classify(302, null, null).result()).isEqualTo(Attempt.Result.PERMANENT);
  }

  @Test
  void longBodiesAreCutInTheDetail() {
    assertThat(classify(500, null, "x".repeat(500)).detail()).hasSize("HTTP 500: ".length() + 123);
  }
}
