package io.pledge.notifier.delivery;

import io.pledge.notifier.telemetry.NotifierTelemetry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;

/**
 * Sends one POST of an HTTP channel (Slack, billing) and turns what happened into an {@link
 * Attempt}: the answer by {@link HttpAttempts#classify}, a timeout or a failed connection as
 * retryable.
 */
public final class HttpPoster {

  private final String channel;
  private final Duration timeout;
  private final NotifierTelemetry telemetry;
  private final Clock clock = Clock.systemUTC();
  // Redirects are not followed: a webhook or billing URL that moved is a configuration error, and
  // following it could carry the body (and the Authorization header) somewhere else.
  private final HttpClient http;

  public HttpPoster(String channel, Duration timeout, NotifierTelemetry telemetry) {
    this.channel = channel;
    this.timeout = timeout;
    this.telemetry = telemetry;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** A POST of {@code body} to {@code target}, with the channel's timeout; headers may be added. */
  public HttpRequest.Builder request(URI target, String contentType, String body) {
    return HttpRequest.newBuilder(target)
        .timeout(timeout)
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  public Attempt send(URI target, HttpRequest.Builder request) throws InterruptedException {
    try {
      HttpResponse<String> response = telemetry.send(http, request, channel, target);
      return HttpAttempts.classify(
          response.statusCode(),
          response.headers().firstValue("Retry-After"),
          response.body(),
          clock);
    } catch (HttpTimeoutException e) {
      return Attempt.retryable("timed out after " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      // Only the exception's class: its message may name the URL, and a Slack webhook's path is
      // its secret.
      return Attempt.retryable("connection failed: " + e.getClass().getSimpleName());
    }
  }
}
