package io.pledge.notifier.slack;

import io.pledge.contract.event.EventCodec;
import io.pledge.notifier.delivery.Attempt;
import io.pledge.notifier.delivery.HttpPoster;
import io.pledge.notifier.delivery.Notification;
import io.pledge.notifier.delivery.Notifier;
import io.pledge.notifier.delivery.RateLimiter;
import io.pledge.notifier.telemetry.NotifierTelemetry;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Posts lifecycle events to a Slack incoming webhook. Slack has no idempotency key: the delivery
 * ledger is what keeps a message from being posted twice.
 */
public final class SlackNotifier implements Notifier {

  public static final String CHANNEL = "slack";

  private final HttpPoster poster;
  private final Optional<URI> webhook;
  private final RateLimiter rateLimiter;

  /**
   * @param webhook the configured webhook, used when a notification names none
   */
  public SlackNotifier(Optional<URI> webhook, Duration timeout, RateLimiter rateLimiter) {
    this(webhook, timeout, rateLimiter, NotifierTelemetry.NONE);
  }

  /**
   * @param webhook the configured webhook, used when a notification names none
   * @param telemetry traces each call
   */
  public SlackNotifier(
      Optional<URI> webhook,
      Duration timeout,
      RateLimiter rateLimiter,
      NotifierTelemetry telemetry) {
    this.poster = new HttpPoster(CHANNEL, timeout, telemetry);
    this.webhook = webhook;
    this.rateLimiter = rateLimiter;
  }

  @Override
  public String channel() {
    return CHANNEL;
  }

  @Override
  public Attempt attempt(Notification notification) throws InterruptedException {
    Optional<URI> target = notification.endpoint().or(() -> webhook);
    if (target.isEmpty()) {
      return Attempt.permanent("no Slack webhook: none in the rule's secret, none configured");
    }
    rateLimiter.acquire(target.get().toString());
    return poster.send(
        target.get(),
        poster.request(target.get(), "application/json; charset=utf-8", body(notification)));
  }

  static String body(Notification notification) {
    try {
      return EventCodec.JSON.writeValueAsString(SlackMessage.payload(notification));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a Slack message", e);
    }
  }
}
