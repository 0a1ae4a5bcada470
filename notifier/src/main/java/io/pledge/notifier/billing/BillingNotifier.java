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
import java.util.Locale;
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

  /**
   * Posts to the rule's URL if it has one (checked when it was rendered: the template's scheme,
   * host and port), else to the configured endpoint.
   */
  @Override
  public Attempt attempt(Notification event) throws InterruptedException {
    URI target = event.endpoint().orElse(endpoint);
    // One bucket per billing host: templated paths must not each get a bucket of their own.
    rateLimiter.acquire(origin(target));
    HttpRequest.Builder request =
        poster
            .request(target, "application/json", body(event))
            .header("Idempotency-Key", BillingEvent.idempotencyKey(event));
    // The token is the configured API's: a policy's URL elsewhere does not receive it.
    if (origin(target).equals(origin(endpoint))) {
      token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    }
    return poster.send(target, request);
  }

  /** {@code scheme://host:port}, the port spelled out. */
  static String origin(URI uri) {
    String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
    int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
    return scheme + "://" + String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT) + ":" + port;
  }

  private static String body(Notification event) {
    try {
      return EventCodec.JSON.writeValueAsString(BillingEvent.payload(event));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a billing event", e);
    }
  }
}
