package io.pledge.notifier.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.SecretRef;
import io.pledge.notifier.delivery.Delivery;
import io.pledge.notifier.delivery.Notification;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides what to send for a lifecycle event (from the rules that apply to its Promise) or for a
 * pipeline's request, and renders it. Pure apart from reading webhook secrets.
 *
 * <p>At most one notification per channel and event: the ledger (and the status) know a delivery by
 * (resource, generation, event, channel), so of several rules for the same channel and event the
 * first one wins.
 */
public final class NotificationPlanner {

  /**
   * What to send to {@code channel}, or why it cannot be sent (a template error, a bad address):
   * such a notification fails at once, without an attempt.
   */
  public record Planned(String channel, Notification notification, Optional<String> error) {
    public Delivery delivery() {
      return notification.delivery(channel);
    }
  }

  private final PolicyBook book;
  private final TemplateRenderer renderer;
  private final Function<SecretRef, Optional<URI>> secrets;

  public NotificationPlanner(
      PolicyBook book, TemplateRenderer renderer, Function<SecretRef, Optional<URI>> secrets) {
    this.book = book;
    this.renderer = renderer;
    this.secrets = secrets;
  }

  /**
   * The notifications for {@code event}, one per channel that a rule for it names.
   *
   * @param resource the request document at the event's generation, or null
   */
  public List<Planned> plan(LifecycleEvent event, JsonNode resource) {
    List<Planned> planned = new ArrayList<>();
    Set<String> channels = new HashSet<>();
    for (Rule rule : book.rulesFor(event.key().promise())) {
      if (rule.covers(event.lifecycle()) && channels.add(rule.channel())) {
        planned.add(render(rule, event, resource));
      }
    }
    return planned;
  }

  /** The channels that the rules for {@code event}'s Promise name for it. */
  public Set<String> channelsFor(LifecycleEvent event) {
    Set<String> channels = new java.util.LinkedHashSet<>();
    for (Rule rule : book.rulesFor(event.key().promise())) {
      if (rule.covers(event.lifecycle())) {
        channels.add(rule.channel());
      }
    }
    return channels;
  }

  private Planned render(Rule rule, LifecycleEvent event, JsonNode resource) {
    String id = event.lifecycle().id();
    Notification fallback = Notification.of(event);
    try {
      Map<String, Object> model = TemplateModel.of(id, event, resource);
      Optional<String> text = rule.template().map(t -> renderer.render(t, model));
      Optional<String> subject = rule.subject().map(t -> renderer.render(t, model).strip());
      List<String> to = rule.to().map(t -> addresses(renderer.render(t, model))).orElse(List.of());
      Optional<URI> webhook = rule.webhookSecretRef().flatMap(secrets);
      return new Planned(
          rule.channel(),
          new Notification(id, event, resource, text, subject, to, webhook),
          Optional.empty());
    } catch (IllegalArgumentException e) {
      return new Planned(
          rule.channel(),
          fallback,
          Optional.of(rule.source() + " (" + rule.channel() + "): " + e.getMessage()));
    }
  }

  /**
   * The notifications a pipeline asked for in {@code /kratix/metadata/notifications.yaml}: a list
   * of {@code {channel: slack|email, to?, message}}. Messages are sent as written (not templates).
   * Slack goes to the webhook of the first Slack rule for the Promise that names a secret, else the
   * configured one; e-mail to {@code to}, else the configured recipients.
   *
   * @param about the resource, with lifecycle {@code PIPELINE}, at the pipeline's generation
   * @param pipeline the pipeline's name, part of each notification's id with its index
   */
  public List<Planned> requested(
      LifecycleEvent about, String pipeline, JsonNode requests, JsonNode resource) {
    JsonNode list =
        requests != null && requests.isObject() ? requests.path("notifications") : requests;
    if (list == null || !list.isArray()) {
      return List.of();
    }
    List<Planned> planned = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode entry = list.get(i);
      String id = "pipeline:" + pipeline + ":" + i;
      String channel = entry.path("channel").asText("");
      Notification plain =
          new Notification(
              id, about, resource, Optional.empty(), Optional.empty(), List.of(), Optional.empty());
      if (!"slack".equals(channel) && !"email".equals(channel)) {
        planned.add(
            new Planned(
                channel.isBlank() ? "unknown" : channel,
                plain,
                Optional.of(
                    "pipeline "
                        + pipeline
                        + " notification "
                        + i
                        + ": channel must be slack or email")));
        continue;
      }
      String message = entry.path("message").asText("");
      if (message.isBlank()) {
        planned.add(
            new Planned(
                channel,
                plain,
                Optional.of("pipeline " + pipeline + " notification " + i + ": no message")));
        continue;
      }
      try {
        List<String> to = addresses(entry.path("to").asText(""));
        Optional<URI> webhook =
            "slack".equals(channel) ? pipelineWebhook(about.key().promise()) : Optional.empty();
        planned.add(
            new Planned(
                channel,
                new Notification(
                    id,
                    about,
                    resource,
                    Optional.of(message),
                    Optional.of(subject(about, message)),
                    to,
                    webhook),
                Optional.empty()));
      } catch (IllegalArgumentException e) {
        planned.add(
            new Planned(
                channel,
                plain,
                Optional.of(
                    "pipeline " + pipeline + " notification " + i + ": " + e.getMessage())));
      }
    }
    return planned;
  }

  private Optional<URI> pipelineWebhook(String promise) {
    return book.rulesFor(promise).stream()
        .filter(r -> "slack".equals(r.channel()) && r.webhookSecretRef().isPresent())
        .findFirst()
        .flatMap(r -> r.webhookSecretRef().flatMap(secrets));
  }

  private static String subject(LifecycleEvent about, String message) {
    String first = message.strip().lines().findFirst().orElse("");
    return "[Pledge] "
        + about.key().promise()
        + " "
        + about.key().namespace()
        + "/"
        + about.key().name()
        + ": "
        + first;
  }

  /** Comma-separated addresses; each must look like one. */
  static List<String> addresses(String rendered) {
    List<String> to =
        Arrays.stream(rendered.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    for (String address : to) {
      int at = address.indexOf('@');
      if (at <= 0
          || at == address.length() - 1
          || address.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("not an e-mail address: '" + address + "'");
      }
    }
    return to;
  }
}
