package io.pledge.notifier.slack;

import io.pledge.contract.event.EventCodec;
import io.pledge.notifier.delivery.Attempt;
import io.pledge.notifier.delivery.HttpAttempts;
import io.pledge.notifier.delivery.Notification;
import io.pledge.notifier.delivery.Notifier;
import io.pledge.notifier.delivery.RateLimiter;
import io.pledge.notifier.telemetry.NotifierTelemetry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Posts lifecycle events to a Slack incoming webhook. Slack has no idempotency key: the delivery
 * ledger is what keeps a message from being posted twice.
 */
public final class SlackNotifier implements Notifier {

  public static final String CHANNEL = "slack";

  private final HttpClient http;
  private final Optional<URI> webhook;
  private final Duration timeout;
  private final RateLimiter rateLimiter;
  private final Clock clock;
  private final NotifierTelemetry telemetry;

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
    this.telemetry = telemetry;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.webhook = webhook;
    this.timeout = timeout;
    this.rateLimiter = rateLimiter;
    this.clock = Clock.systemUTC();
  }

  @Override
  public String channel() {
    return CHANNEL;
  }

  @Override
  public Attempt attempt(Notification notification) throws InterruptedException {
    Optional<URI> target = notification.webhook().or(() -> webhook);
    if (target.isEmpty()) {
      return Attempt.permanent("no Slack webhook: none in the rule's secret, none configured");
    }
    rateLimiter.acquire(target.get().toString());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target.get())
            .timeout(timeout)
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(body(notification)));
    try {
      HttpResponse<String> response = telemetry.send(http, request, CHANNEL, target.get());
      return HttpAttempts.classify(
          response.statusCode(),
          response.headers().firstValue("Retry-After"),
          response.body(),
          clock);
    } catch (HttpTimeoutException e) {
      return Attempt.retryable("timed out after " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      // The message may name the host; the webhook path (the secret) is never in it.
      return Attempt.retryable("connection failed: " + e.getClass().getSimpleName());
    }
  }

  static String body(Notification notification) {
    try {
      return EventCodec.JSON.writeValueAsString(SlackMessage.payload(notification));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a Slack message", e);
    }
  }
}
