package io.pledge.writer.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StaleLockRuleTest {

  static final Instant NOW = Instant.parse("2026-12-06T00:00:00Z");
  final StaleLockRule rule = new StaleLockRule(Duration.ofSeconds(60));

  @Test
  void aLockUnchangedForTheWholeAgeIsStale() {
    assertThat(rule.isStale(NOW.minusSeconds(60), NOW)).isTrue();
    assertThat(rule.isStale(NOW.minusSeconds(3600), NOW)).isTrue();
  }

  @Test
  void aYoungerLockMayHaveALiveHolder() {
    assertThat(rule.isStale(NOW.minusSeconds(59), NOW)).isFalse();
    assertThat(rule.isStale(NOW, NOW)).isFalse();
  }

  @Test
  void aLockStampedInTheFutureIsNeverStale() {
    // a file server whose clock runs ahead of ours
    assertThat(rule.isStale(NOW.plusSeconds(3600), NOW)).isFalse();
    assertThat(StaleLockRule.age(NOW.plusSeconds(3600), NOW)).isEqualTo(Duration.ZERO);
  }

  @Test
  void ageIsTheTimeSinceTheLastChange() {
    assertThat(StaleLockRule.age(NOW.minusSeconds(90), NOW)).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void refusesAnAgeThatWouldTakeEveryLock() {
    assertThatThrownBy(() -> new StaleLockRule(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
