package io.pledge.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private static final Attempt SERVER_ERROR = Attempt.retryable("HTTP 500");

  private static RetryPolicy policy(double random) {
    return new RetryPolicy(
        5, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(60), () -> random);
  }

  @Test
  void backoffDoublesWithEachAttemptWithinItsJitterBand() {
    RetryPolicy lowest = policy(0.0);
    RetryPolicy highest = policy(0.999999);

    assertThat(lowest.delayAfter(1, SERVER_ERROR)).contains(Duration.ofMillis(100));
    assertThat(highest.delayAfter(1, SERVER_ERROR)).contains(Duration.ofMillis(199));
    assertThat(lowest.delayAfter(2, SERVER_ERROR)).contains(Duration.ofMillis(200));
    assertThat(highest.delayAfter(3, SERVER_ERROR)).contains(Duration.ofMillis(799));
  }

  @Test
  void backoffIsCappedAtTheMaximum() {
    assertThat(policy(0.999999).delayAfter(4, SERVER_ERROR)).contains(Duration.ofMillis(999));
    assertThat(
            new RetryPolicy(
                    100,
                    Duration.ofMillis(200),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(60),
                    () -> 0)
                .delayAfter(80, SERVER_ERROR))
        .contains(Duration.ofMillis(500));
  }

  @Test
  void honoursALongerRetryAfter() {
    Attempt tooMany = Attempt.retryable("HTTP 429", Optional.of(Duration.ofSeconds(3)));

    assertThat(policy(0.5).delayAfter(1, tooMany)).contains(Duration.ofSeconds(3));
  }

  @Test
  void cutsAnExcessiveRetryAfter() {
    Attempt tooMany = Attempt.retryable("HTTP 429", Optional.of(Duration.ofHours(2)));

    assertThat(policy(0.5).delayAfter(1, tooMany)).contains(Duration.ofSeconds(60));
  }

  @Test
  void stopsAfterTheLastAttempt() {
    assertThat(policy(0.5).delayAfter(4, SERVER_ERROR)).isPresent();
    assertThat(policy(0.5).delayAfter(5, SERVER_ERROR)).isEmpty();
  }

  @Test
  void neverRetriesAPermanentFailure() {
    assertThat(policy(0.5).delayAfter(1, Attempt.permanent("HTTP 400"))).isEmpty();
  }
}
