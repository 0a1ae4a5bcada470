package io.pledge.notifier.billing;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pledge.contract.event.EventCodec;
import io.pledge.notifier.delivery.Attempt;
import io.pledge.notifier.delivery.HttpPoster;
import io.pledge.notifier.delivery.Notification;
import io.pledge.notifier.delivery.Notifier;
import io.pledge.notifier.delivery.RateLimiter;
import io.pledge.notifier.telemetry.NotifierTelemetry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * Tells a billing API about lifecycle events with a POST carrying an {@code Idempotency-Key}
 * derived from (key, generation, action), so a repeat (a retry after a lost answer, or the
 * notifier's crash window) is harmless where the API honours the key.
 */
public final class BillingNotifier implements Notifier {

  public static final String CHANNEL = "billing";

  private final HttpPoster poster;
  private final URI endpoint;
  private final Optional<String> token;
  private final RateLimiter rateLimiter;

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
    this.poster = new HttpPoster(CHANNEL, timeout, telemetry);
    this.endpoint = endpoint;
    this.token = token;
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
        poster
            .request(endpoint, "application/json", body(event))
            .header("Idempotency-Key", BillingEvent.idempotencyKey(event));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return poster.send(endpoint, request);
  }

  private static String body(Notification event) {
    try {
      return EventCodec.JSON.writeValueAsString(BillingEvent.payload(event));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a billing event", e);
    }
  }
}
