package io.pledge.notifier.billing;

import com.fasterxml.jackson.core.JsonProcessingException;
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
 * Tells a billing API about lifecycle events with a POST carrying an {@code Idempotency-Key}
 * derived from (key, generation, action), so a repeat (a retry after a lost answer, or the
 * notifier's crash window) is harmless where the API honours the key.
 */
public final class BillingNotifier implements Notifier {

  public static final String CHANNEL = "billing";

  private final HttpClient http;
  private final URI endpoint;
  private final Optional<String> token;
  private final Duration timeout;
  private final RateLimiter rateLimiter;
  private final Clock clock = Clock.systemUTC();
  private final NotifierTelemetry telemetry;

  public BillingNotifier(
      URI endpoint, Optional<String> token, Duration timeout, RateLimiter rateLimiter) {
    this(endpoint, token, timeout, rateLimiter, NotifierTelemetry.NONE);
  }

  /**
   * @param telemetry traces each call
   */
  public BillingNotifier(
      URI endpoint,
      Optional<String> token,
      Duration timeout,
      RateLimiter rateLimiter,
      NotifierTelemetry telemetry) {
    this.telemetry = telemetry;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.endpoint = endpoint;
    this.token = token;
    this.timeout = timeout;
    this.rateLimiter = rateLimiter;
  }

  @Override
  public String channel() {
    return CHANNEL;
  }

  @Override
  public Attempt attempt(Notification event) throws InterruptedException {
    rateLimiter.acquire(endpoint.toString());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", BillingEvent.idempotencyKey(event))
            .POST(HttpRequest.BodyPublishers.ofString(body(event)));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    try {
      HttpResponse<String> response = telemetry.send(http, request, CHANNEL, endpoint);
      return HttpAttempts.classify(
          response.statusCode(),
          response.headers().firstValue("Retry-After"),
          response.body(),
          clock);
    } catch (HttpTimeoutException e) {
      return Attempt.retryable("timed out after " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      return Attempt.retryable("connection failed: " + e.getClass().getSimpleName());
    }
  }

  private static String body(Notification event) {
    try {
      return EventCodec.JSON.writeValueAsString(BillingEvent.payload(event));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a billing event", e);
    }
  }
}
