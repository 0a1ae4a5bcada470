package io.pledge.notifier.delivery;

import io.pledge.contract.notification.NotificationDelivered;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Delivers one notification through one channel: attempts, waits and attempts again as the {@link
 * RetryPolicy} says, and reports every attempt that will be retried.
 */
public final class NotificationDispatcher {

  private static final Logger LOG = Logger.getLogger(NotificationDispatcher.class);

  private final RetryPolicy policy;
  private final Sleeper sleeper;

  public NotificationDispatcher(RetryPolicy policy, Sleeper sleeper) {
    this.policy = policy;
    this.sleeper = sleeper;
  }

  /**
   * Attempts until sent, a permanent failure, or the last attempt; {@code retrying} hears of each
   * attempt that is followed by another, before the wait.
   *
   * @return the final outcome: sent or failed
   * @throws InterruptedException when the service stops meanwhile; nothing final happened
   */
  public Outcome deliver(
      Delivery delivery, Notifier notifier, Notification notification, Consumer<Outcome> retrying)
      throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      Attempt result = notifier.attempt(notification);
      if (result.result() == Attempt.Result.SENT) {
        LOG.infof("%s sent to %s (attempt %d)", what(delivery), delivery.channel(), attempt);
        return new Outcome(delivery, NotificationDelivered.SENT, attempt, result.detail());
      }
      Optional<Duration> delay = policy.delayAfter(attempt, result);
      if (delay.isEmpty()) {
        String detail =
            result.result() == Attempt.Result.PERMANENT
                ? result.detail()
                : "gave up after " + attempt + " attempts: " + result.detail();
        LOG.warnf("%s not sent to %s: %s", what(delivery), delivery.channel(), detail);
        return new Outcome(delivery, NotificationDelivered.FAILED, attempt, detail);
      }
      String detail = result.detail() + "; next attempt in " + delay.get().toMillis() + " ms";
      LOG.infof(
          "%s to %s, attempt %d failed: %s", what(delivery), delivery.channel(), attempt, detail);
      retrying.accept(new Outcome(delivery, NotificationDelivered.RETRYING, attempt, detail));
      sleeper.sleep(delay.get());
    }
  }

  private static String what(Delivery delivery) {
    return delivery.event() + " notification";
  }
}
