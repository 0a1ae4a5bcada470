package io.pledge.writer.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StoreHealthTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Duration GRACE = Duration.ofSeconds(60);
  static final String STORE = "GitStateStore/default";

  StoreHealth health = new StoreHealth();

  @Test
  void oneFailureIsNotAFailingStore() {
    health.failed(STORE, T0, "connection refused");

    assertThat(health.failing(T0.plus(Duration.ofMinutes(10)), GRACE, s -> true)).isEmpty();
  }

  @Test
  void failuresWithoutSuccessForTheGracePeriodAreAFailingStore() {
    health.succeeded(STORE, T0.minusSeconds(5));
    health.failed(STORE, T0, "connection refused");
    health.failed(STORE, T0.plusSeconds(30), "connection refused again");

    assertThat(health.failing(T0.plusSeconds(59), GRACE, s -> true)).isEmpty();
    assertThat(health.failing(T0.plusSeconds(60), GRACE, s -> true))
        .containsEntry(STORE, "connection refused again");
  }

  @Test
  void aSuccessEndsTheFailure() {
    health.failed(STORE, T0, "refused");
    health.failed(STORE, T0.plusSeconds(70), "refused");
    health.succeeded(STORE, T0.plusSeconds(80));

    assertThat(health.failing(T0.plusSeconds(200), GRACE, s -> true)).isEmpty();
  }

  @Test
  void aStoreNoLongerConfiguredDoesNotCount() {
    health.failed(STORE, T0, "refused");
    health.failed(STORE, T0.plusSeconds(70), "refused");

    assertThat(health.failing(T0.plusSeconds(80), GRACE, s -> !s.equals(STORE))).isEmpty();
  }
}
