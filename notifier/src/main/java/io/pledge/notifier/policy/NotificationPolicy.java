package io.pledge.notifier.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.SecretRef;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.notifier.lifecycle.Lifecycle;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code pledge.io/v1alpha1} NotificationPolicy (cluster-scoped): which lifecycle events of the
 * resources of one Promise (or, without {@code spec.promise}, of every Promise that has no policy
 * of its own) go to which channels, with which templates. The format is in the module's README.
 *
 * @param name {@code metadata.name}
 * @param promise {@code spec.promise}; empty: the platform-wide default
 * @param rules {@code spec.rules}, in order
 */
public record NotificationPolicy(String name, Optional<String> promise, List<Rule> rules) {

  /** The events a rule may name; {@code pipeline} notifications are asked for by pipelines. */
  static final Set<Lifecycle> RULE_EVENTS =
      Set.of(
          Lifecycle.REQUESTED,
          Lifecycle.RECONCILED,
          Lifecycle.FAILED,
          Lifecycle.DELETED,
          Lifecycle.CREATED,
          Lifecycle.UPDATED);

  public NotificationPolicy {
    rules = List.copyOf(rules);
  }

  /**
   * Reads a NotificationPolicy document.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static NotificationPolicy parse(JsonNode doc) {
    if (doc == null || !doc.isObject()) {
      throw new IllegalArgumentException("not a document");
    }
    if (!NotificationPolicyApplied.API_VERSION.equals(doc.path("apiVersion").asText())
        || !NotificationPolicyApplied.KIND.equals(doc.path("kind").asText())) {
      throw new IllegalArgumentException(
          "not a "
              + NotificationPolicyApplied.API_VERSION
              + " "
              + NotificationPolicyApplied.KIND
              + ": "
              + doc.path("apiVersion").asText()
              + " "
              + doc.path("kind").asText());
    }
    String name = doc.path("metadata").path("name").asText("");
    if (name.isBlank()) {
      throw new IllegalArgumentException("metadata.name is missing");
    }
    JsonNode spec = doc.path("spec");
    Optional<String> promise = text(spec, "promise");
    JsonNode rules = spec.path("rules");
    if (!rules.isArray()) {
      throw new IllegalArgumentException("spec.rules must be a list");
    }
    List<Rule> parsed = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      parsed.add(rule(rules.get(i), "spec.rules[" + i + "]", "NotificationPolicy/" + name));
    }
    return new NotificationPolicy(name, promise, parsed);
  }

  private static Rule rule(JsonNode rule, String at, String source) {
    String channel = rule.path("channel").asText("");
    if (!Rule.CHANNELS.contains(channel)) {
      throw new IllegalArgumentException(
          at + ".channel must be one of slack, email, billing: '" + channel + "'");
    }
    JsonNode events = rule.path("events");
    if (!events.isArray() || events.isEmpty()) {
      throw new IllegalArgumentException(at + ".events must be a non-empty list");
    }
    Set<Lifecycle> lifecycles = new LinkedHashSet<>();
    for (JsonNode e : events) {
      Lifecycle lifecycle;
      try {
        lifecycle = Lifecycle.of(e.asText());
      } catch (IllegalArgumentException unknown) {
        lifecycle = null;
      }
      if (lifecycle == null || !RULE_EVENTS.contains(lifecycle)) {
        throw new IllegalArgumentException(
            at
                + ".events: unknown event '"
                + e.asText()
                + "' (requested, reconciled, failed, deleted, created, updated)");
      }
      lifecycles.add(lifecycle);
    }
    Optional<SecretRef> secret = Optional.empty();
    JsonNode ref = rule.path("webhookSecretRef");
    if (ref.isObject()) {
      String secretName = ref.path("name").asText("");
      if (secretName.isBlank()) {
        throw new IllegalArgumentException(at + ".webhookSecretRef.name is missing");
      }
      secret = Optional.of(new SecretRef(secretName, text(ref, "namespace").orElse(null)));
    }
    return new Rule(
        lifecycles,
        channel,
        secret,
        text(rule, "to"),
        text(rule, "subject"),
        text(rule, "template"),
        text(rule, "url"),
        source);
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() || value.asText().isBlank()
        ? Optional.empty()
        : Optional.of(value.asText());
  }
}
