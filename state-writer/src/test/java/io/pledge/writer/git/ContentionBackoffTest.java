package io.pledge.writer.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ContentionBackoffTest {

  static final Duration BASE = Duration.ofMillis(50);

  @Test
  void doublesPerAttemptWithTheUpperHalfRandom() {
    assertThat(ContentionBackoff.after(1, BASE, 0.0)).isEqualTo(Duration.ofMillis(25));
    assertThat(ContentionBackoff.after(1, BASE, 0.999)).isEqualTo(Duration.ofMillis(49));
    assertThat(ContentionBackoff.after(3, BASE, 0.0)).isEqualTo(Duration.ofMillis(100));
    assertThat(ContentionBackoff.after(3, BASE, 0.5)).isEqualTo(Duration.ofMillis(150));
  }

  @Test
  void twoWritersThatCollidedWaitDifferentTimes() {
    assertThat(ContentionBackoff.after(2, BASE, 0.1))
        .isNotEqualTo(ContentionBackoff.after(2, BASE, 0.9));
  }

  @Test
  void neverWaitsLongerThanTheCapHowEverManyAttempts() {
    assertThat(ContentionBackoff.after(6, BASE, 0.999)).isLessThan(ContentionBackoff.CAP);
    assertThat(ContentionBackoff.after(1000, BASE, 0.999)).isLessThan(ContentionBackoff.CAP);
    assertThat(ContentionBackoff.after(1000, BASE, 0.0))
        .isEqualTo(ContentionBackoff.CAP.dividedBy(2));
  }
}
