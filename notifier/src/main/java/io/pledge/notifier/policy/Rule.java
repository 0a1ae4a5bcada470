package io.pledge.notifier.policy;

import io.pledge.contract.kratix.SecretRef;
import io.pledge.notifier.lifecycle.Lifecycle;
import java.util.Optional;
import java.util.Set;

/**
 * One rule of a NotificationPolicy: tell {@code channel} about {@code events}, with these
 * templates. Empty templates and addresses fall back to the channel's built-in text and its
 * configured receiver.
 *
 * @param events the lifecycle events the rule is about
 * @param channel {@code slack}, {@code email} or {@code billing}
 * @param webhookSecretRef Slack: the Secret holding the webhook URL under key {@code url}
 * @param to e-mail: the recipients, comma-separated templates of one address each; Slack: one
 *     channel template (see {@link NotificationPlanner})
 * @param subject e-mail: subject template
 * @param template the message template (Slack text, e-mail body)
 * @param url billing: the endpoint's URL template (its values percent-encoded); empty: the
 *     configured one
 * @param source where the rule comes from: {@code NotificationPolicy/<name>} or {@code
 *     configuration}
 */
public record Rule(
    Set<Lifecycle> events,
    String channel,
    Optional<SecretRef> webhookSecretRef,
    Optional<String> to,
    Optional<String> subject,
    Optional<String> template,
    Optional<String> url,
    String source) {

  public static final Set<String> CHANNELS = Set.of("slack", "email", "billing");

  public Rule {
    events = Set.copyOf(events);
  }

  /** A rule from the notifier's configuration: built-in texts, configured receivers. */
  public static Rule configured(String channel, Set<Lifecycle> events) {
    return new Rule(
        events,
        channel,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        "configuration");
  }

  public boolean covers(Lifecycle lifecycle) {
    return events.contains(lifecycle);
  }
}
