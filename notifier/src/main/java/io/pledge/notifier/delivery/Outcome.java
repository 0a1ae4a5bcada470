package io.pledge.notifier.delivery;

import io.pledge.contract.notification.NotificationDelivered;

/**
 * Where a delivery stands after an attempt: what NOTIFICATION_DELIVERED reports.
 *
 * @param delivery the notification
 * @param outcome {@link NotificationDelivered#SENT}, {@link NotificationDelivered#RETRYING} or
 *     {@link NotificationDelivered#FAILED}
 * @param attempt the attempt number, from 1
 * @param detail a short description
 */
public record Outcome(Delivery delivery, String outcome, int attempt, String detail) {

  public boolean sent() {
    return NotificationDelivered.SENT.equals(outcome);
  }

  public boolean failed() {
    return NotificationDelivered.FAILED.equals(outcome);
  }

  public NotificationDelivered toEvent() {
    return new NotificationDelivered(
        delivery.key(),
        delivery.generation(),
        delivery.event(),
        delivery.channel(),
        outcome,
        attempt,
        detail);
  }
}
