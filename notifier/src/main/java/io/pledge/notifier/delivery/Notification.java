package io.pledge.notifier.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * What to tell one channel, resolved from a rule: the lifecycle event and the texts and addresses a
 * NotificationPolicy (or a pipeline) set. What is empty falls back to the channel's configured
 * default (webhook URL, recipients) or its built-in text.
 *
 * @param event the ledger's event id: the lifecycle id, or {@code pipeline:<pipeline>:<index>}
 * @param about the lifecycle event (resource, generation, status)
 * @param resource the request document at that generation ({@code spec} and all), or null
 * @param text the message (Slack text, e-mail body), if templated or given
 * @param subject the e-mail subject, if templated
 * @param to the receivers, each checked to be one: e-mail addresses, or the Slack channel; empty:
 *     the configured ones (Slack: the webhook's own channel)
 * @param endpoint where an HTTP channel posts: the Slack webhook (a secret) or the billing rule's
 *     URL; empty: the configured one
 */
public record Notification(
    String event,
    LifecycleEvent about,
    JsonNode resource,
    Optional<String> text,
    Optional<String> subject,
    List<String> to,
    Optional<URI> endpoint) {

  public Notification {
    to = List.copyOf(to);
  }

  /** The channel's built-in message for {@code event}, to its configured receiver. */
  public static Notification of(LifecycleEvent event) {
    return new Notification(
        event.lifecycle().id(),
        event,
        null,
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.empty());
  }

  public Delivery delivery(String channel) {
    return new Delivery(about.key().toString(), about.generation(), event, channel);
  }
}
