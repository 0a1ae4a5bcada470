package io.pledge.notifier.slack;

import io.pledge.contract.event.EventCodec;
import io.pledge.notifier.delivery.Attempt;
import io.pledge.notifier.delivery.HttpAttempts;
import io.pledge.notifier.delivery.Notifier;
import io.pledge.notifier.lifecycle.Lifecycle;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * Posts lifecycle events to a Slack incoming webhook. Slack has no idempotency key: the delivery
 * ledger is what keeps a message from being posted twice.
 */
public final class SlackNotifier implements Notifier {

  public static final String CHANNEL = "slack";

  private final HttpClient http;
  private final URI webhook;
  private final Duration timeout;
  private final Set<Lifecycle> lifecycles;
  private final Clock clock;

  public SlackNotifier(URI webhook, Duration timeout, Set<Lifecycle> lifecycles) {
    this(
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build(),
        webhook,
        timeout,
        lifecycles,
        Clock.systemUTC());
  }

  SlackNotifier(
      HttpClient http, URI webhook, Duration timeout, Set<Lifecycle> lifecycles, Clock clock) {
    this.http = http;
    this.webhook = webhook;
    this.timeout = timeout;
    this.lifecycles = Set.copyOf(lifecycles);
    this.clock = clock;
  }

  @Override
  public String channel() {
    return CHANNEL;
  }

  @Override
  public Set<Lifecycle> lifecycles() {
    return lifecycles;
  }

  @Override
  public Attempt attempt(LifecycleEvent event) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(webhook)
            .timeout(timeout)
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(body(event)))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
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

  static String body(LifecycleEvent event) {
    try {
      return EventCodec.JSON.writeValueAsString(SlackMessage.payload(event));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a Slack message", e);
    }
  }
}
