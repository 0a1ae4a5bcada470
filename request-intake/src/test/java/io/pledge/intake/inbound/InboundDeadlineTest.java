package io.pledge.intake.inbound;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InboundDeadlineTest {

  @Test
  void theDefaultsStayUnderTheChannelsDeadline() {
    assertThatCode(
            () ->
                new InboundDeadline(
                        Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(60))
                    .requireWithinChannelDeadline())
        .doesNotThrowAnyException();
  }

  @Test
  void refusesARetryTimeoutThatReachesTheChannelsDeadline() {
    // The old default: a record retried for 60 s failed the channel it was retried on.
    assertThatThrownBy(
            () ->
                new InboundDeadline(
                        Duration.ofSeconds(60), Duration.ofSeconds(15), Duration.ofSeconds(60))
                    .requireWithinChannelDeadline())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inbound-retry-timeout")
        .hasMessageContaining("unprocessed-record-max-age.ms");
  }

  @Test
  void anyRetryTimeoutWillDoWhenTheChannelHasNoDeadline() {
    assertThatCode(
            () ->
                new InboundDeadline(Duration.ofMinutes(10), Duration.ofSeconds(15), Duration.ZERO)
                    .requireWithinChannelDeadline())
        .doesNotThrowAnyException();
  }
}
