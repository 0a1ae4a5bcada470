package io.pledge.notifier.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.SecretRef;
import io.pledge.notifier.delivery.Delivery;
import io.pledge.notifier.delivery.Notification;
import io.pledge.notifier.email.EmailAddress;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import io.pledge.notifier.slack.SlackChannel;
import java.net.URI;
import java.util.ArrayList;
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

  private static final int SHOWN = 120;

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
      List<String> to = receivers(rule, model);
      Optional<URI> endpoint =
          switch (rule.channel()) {
            case "slack" -> rule.webhookSecretRef().flatMap(secrets);
            case "billing" -> rule.url().map(t -> url(t, model));
            default -> Optional.empty();
          };
      return new Planned(
          rule.channel(),
          new Notification(id, event, resource, text, subject, to, endpoint),
          Optional.empty());
    } catch (IllegalArgumentException e) {
      return new Planned(
          rule.channel(),
          fallback,
          Optional.of(rule.source() + " (" + rule.channel() + "): " + e.getMessage()));
    }
  }

  /**
   * The rule's {@code to}, split into entries as written and then rendered entry by entry: each
   * entry must render to exactly one e-mail address (to one Slack channel, of which a rule names
   * one), so a value from the request's spec fills one receiver and cannot add another.
   */
  private List<String> receivers(Rule rule, Map<String, Object> model) {
    if (rule.to().isEmpty() || "billing".equals(rule.channel())) {
      return List.of();
    }
    List<String> entries = TemplateEntries.split(rule.to().get());
    if ("slack".equals(rule.channel())) {
      if (entries.size() != 1) {
        throw new IllegalArgumentException(
            "to '" + rule.to().get() + "' must name one Slack channel, not a list");
      }
      return List.of(receiver("to '" + entries.get(0) + "'", entries.get(0), model, true));
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("to names no recipient");
    }
    List<String> to = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String entry = entries.get(i);
      to.add(receiver("to entry " + (i + 1) + " '" + entry + "'", entry, model, false));
    }
    return to;
  }

  private String receiver(String what, String entry, Map<String, Object> model, boolean slack) {
    String rendered;
    try {
      rendered = renderer.render(entry, model);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
    try {
      return slack ? SlackChannel.parse(rendered) : EmailAddress.parse(rendered);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          what + " renders " + shown(rendered) + ": " + e.getMessage(), e);
    }
  }

  private URI url(String template, Map<String, Object> model) {
    try {
      return renderer.renderUrl(template, model);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("url '" + template + "': " + e.getMessage(), e);
    }
  }

  /**
   * The notifications a pipeline asked for in {@code /kratix/metadata/notifications.yaml}: a list
   * of {@code {channel: slack|email, to?, message}}. Messages are sent as written (not templates).
   * Slack goes to the webhook of the first Slack rule for the Promise that names a secret, else the
   * configured one, in channel {@code to} if given (one channel); e-mail to {@code to} (one address
   * or a list of them), else the configured recipients.
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
        List<String> to = pipelineReceivers(channel, entry.get("to"));
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

  /**
   * A pipeline's {@code to}: e-mail, one address or a list of them; Slack, one channel. Not split
   * on commas: a pipeline that builds the value from the request's spec must not be made to reach a
   * second receiver.
   */
  private static List<String> pipelineReceivers(String channel, JsonNode to) {
    if (to == null || to.isNull()) {
      return List.of();
    }
    if ("slack".equals(channel)) {
      String value = to.isTextual() ? to.asText() : to.toString();
      try {
        return List.of(SlackChannel.parse(value));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("to " + shown(value) + ": " + e.getMessage(), e);
      }
    }
    List<JsonNode> values = new ArrayList<>();
    if (to.isArray()) {
      to.forEach(values::add);
    } else {
      values.add(to);
    }
    List<String> addresses = new ArrayList<>();
    for (JsonNode value : values) {
      if (!value.isTextual()) {
        throw new IllegalArgumentException("to must be an e-mail address or a list of them");
      }
      try {
        addresses.add(EmailAddress.parse(value.asText()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "to " + shown(value.asText()) + ": " + e.getMessage(), e);
      }
    }
    return addresses;
  }

  /**
   * A value from a request or a pipeline, fit for a log line, an outcome and a dead-letter header:
   * quoted, control characters escaped, cut at 120 characters.
   */
  private static String shown(String value) {
    StringBuilder shown = new StringBuilder("\"");
    value
        .codePoints()
        .limit(SHOWN)
        .forEach(
            c -> {
              if (Character.isISOControl(c) || c == '"' || c == '\\') {
                shown.append(String.format("\\u%04x", c));
              } else {
                shown.appendCodePoint(c);
              }
            });
    return shown.append(value.codePointCount(0, value.length()) > SHOWN ? "…\"" : "\"").toString();
  }
}
