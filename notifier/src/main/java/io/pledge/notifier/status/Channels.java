package io.pledge.notifier.status;

import io.pledge.contract.kratix.SecretRef;
import io.pledge.notifier.delivery.Notifier;
import io.pledge.notifier.policy.Rule;
import io.pledge.notifier.policy.TemplateRenderer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a session delivers with: the channels, the rules from configuration (where no policy
 * applies), the template renderer, the webhook secrets.
 *
 * @param notifiers one per channel that can send
 * @param configured the configuration's rules
 * @param renderer Qute for the policies' templates
 * @param secrets a Slack rule's {@code webhookSecretRef} to its URL
 * @param resourceWait how long a {@code requested} notification waits for its request document
 */
public record Channels(
    List<Notifier> notifiers,
    List<Rule> configured,
    TemplateRenderer renderer,
    Function<SecretRef, Optional<URI>> secrets,
    Duration resourceWait) {

  public Channels {
    notifiers = List.copyOf(notifiers);
    configured = List.copyOf(configured);
  }
}
