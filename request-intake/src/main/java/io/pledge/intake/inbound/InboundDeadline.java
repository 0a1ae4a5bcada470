package io.pledge.intake.inbound;

import java.time.Duration;

/**
 * The time an inbound record may take, checked against the channel's deadline at start-up.
 *
 * <p>SmallRye's throttled commit strategy fails the channel, and with it readiness and liveness,
 * once a record has waited longer than {@code throttled.unprocessed-record-max-age.ms} (60 s by
 * default) for its acknowledgement; after a restart the same record comes again. A record is
 * acknowledged once applied, and while the service cannot take writes it is retried for at most
 * {@code pledge.intake.inbound-retry-timeout}, whose last attempt may then wait {@code
 * pledge.intake.publish-timeout} for the broker. Both together must stay under the channel's
 * deadline, or one unlucky record takes the service down.
 *
 * @param retryTimeout {@code pledge.intake.inbound-retry-timeout}
 * @param publishTimeout {@code pledge.intake.publish-timeout}
 * @param channelDeadline the channel's unprocessed-record max age; zero or less when it is off
 */
record InboundDeadline(Duration retryTimeout, Duration publishTimeout, Duration channelDeadline) {

  /** The channel's setting that bounds how long a record may take. */
  static final String MAX_AGE_KEY =
      "mp.messaging.incoming.requests-inbound.throttled.unprocessed-record-max-age.ms";

  /** SmallRye's default for {@link #MAX_AGE_KEY}. */
  static final long DEFAULT_MAX_AGE_MS = 60_000;

  /**
   * @throws IllegalStateException when a record may take as long as the channel's deadline
   */
  void requireWithinChannelDeadline() {
    if (channelDeadline.isZero() || channelDeadline.isNegative()) {
      return;
    }
    Duration longest = retryTimeout.plus(publishTimeout);
    if (longest.compareTo(channelDeadline) >= 0) {
      throw new IllegalStateException(
          "pledge.intake.inbound-retry-timeout ("
              + retryTimeout.toSeconds()
              + " s) plus pledge.intake.publish-timeout ("
              + publishTimeout.toSeconds()
              + " s) must stay under "
              + MAX_AGE_KEY
              + " ("
              + channelDeadline.toMillis()
              + " ms): a record retried that long would fail the inbound channel");
    }
  }
}
