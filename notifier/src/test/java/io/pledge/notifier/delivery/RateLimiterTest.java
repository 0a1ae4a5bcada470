package io.pledge.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private long now = 0;
  private final List<Duration> waits = new ArrayList<>();
  // Waiting moves the clock, as a real sleep would.
  private final RateLimiter limiter =
      new RateLimiter(
          2,
          3,
          () -> now,
          d -> {
            waits.add(d);
            now += d.toNanos();
          });

  @Test
  void aBurstPassesThenRequestsAreSpacedAtTheRate() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("https://hooks.slack.com/a");
    }
    assertThat(waits).isEmpty();

    limiter.acquire("https://hooks.slack.com/a");
    limiter.acquire("https://hooks.slack.com/a");

    assertThat(waits).containsExactly(Duration.ofMillis(500), Duration.ofMillis(500));
    assertThat(now).isEqualTo(Duration.ofSeconds(1).toNanos());
  }

  @Test
  void eachDestinationHasItsOwnBucket() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("https://hooks.slack.com/a");
    }
    limiter.acquire("https://hooks.slack.com/b");
    limiter.acquire("https://billing.example/events");

    assertThat(waits).isEmpty();
  }

  @Test
  void tokensComeBackWithTimeUpToTheBurst() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("a");
    }
    now += Duration.ofSeconds(60).toNanos(); // a long quiet time refills only up to 3

    for (int i = 0; i < 3; i++) {
      limiter.acquire("a");
    }
    assertThat(waits).isEmpty();
    limiter.acquire("a");
    assertThat(waits).containsExactly(Duration.ofMillis(500));
  }

  @Test
  void aRateOfZeroIsNoLimit() throws InterruptedException {
    RateLimiter none = new RateLimiter(0, 1, () -> now, waits::add);
    for (int i = 0; i < 100; i++) {
      none.acquire("a");
    }
    assertThat(waits).isEmpty();
  }
}
