package io.pledge.notifier.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.contract.notification.NotificationPolicyDeleted;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The NotificationPolicies in force, as replayed from the compacted {@code pledge.policies}, and
 * which rules apply to a resource: those of the policies for its Promise, else those of the
 * platform-wide default policies (no {@code spec.promise}), else the configured channels' rules.
 */
public final class PolicyBook {

  private static final Logger LOG = Logger.getLogger(PolicyBook.class);

  private final Map<String, NotificationPolicy> policies = new ConcurrentHashMap<>();
  private final List<Rule> configured;

  /**
   * @param configured the rules from the notifier's configuration, used where no policy applies
   */
  public PolicyBook(List<Rule> configured) {
    this.configured = List.copyOf(configured);
  }

  /**
   * Takes in an applied policy document. One that cannot be read is dropped (its name then has no
   * policy) with a warning: the applied document is the truth, and it says nothing usable.
   */
  public void apply(String name, JsonNode document) {
    try {
      NotificationPolicy policy = NotificationPolicy.parse(document);
      policies.put(name, policy);
      LOG.infof(
          "NotificationPolicy %s applies to %s: %d rules",
          name, policy.promise().orElse("every Promise without a policy"), policy.rules().size());
    } catch (IllegalArgumentException e) {
      policies.remove(name);
      LOG.warnf("ignoring NotificationPolicy %s: %s", name, e.getMessage());
    }
  }

  /** Takes in one record of the policies topic (applied, deleted, or a tombstone). */
  public void applyRecord(String key, String value) {
    if (key == null) {
      return;
    }
    if (value == null) {
      remove(key);
      return;
    }
    try {
      CloudEvent event = EventCodec.read(value);
      if (EventType.NOTIFICATION_POLICY_APPLIED.type().equals(event.type())) {
        NotificationPolicyApplied applied = EventCodec.data(event, NotificationPolicyApplied.class);
        apply(applied.name(), applied.policy());
      } else if (EventType.NOTIFICATION_POLICY_DELETED.type().equals(event.type())) {
        remove(EventCodec.data(event, NotificationPolicyDeleted.class).name());
      } else {
        LOG.warnf("skipping a %s record on the policies topic (key %s)", event.type(), key);
      }
    } catch (RuntimeException e) {
      LOG.warnf("skipping an unreadable policies record (key %s): %s", key, e.getMessage());
    }
  }

  public void remove(String name) {
    if (policies.remove(name) != null) {
      LOG.infof("NotificationPolicy %s deleted", name);
    }
  }

  public int size() {
    return policies.size();
  }

  /**
   * The rules for a resource of {@code promise}, in policy-name then rule order. A policy with no
   * rules is a way to silence a Promise (or, as the default, every Promise without a policy).
   */
  public List<Rule> rulesFor(String promise) {
    if (hasPolicy(Optional.of(promise))) {
      return rulesOf(Optional.of(promise));
    }
    if (hasPolicy(Optional.empty())) {
      return rulesOf(Optional.empty());
    }
    return configured;
  }

  private List<Rule> rulesOf(Optional<String> promise) {
    List<Rule> rules = new ArrayList<>();
    policies.values().stream()
        .filter(p -> p.promise().equals(promise))
        .sorted(Comparator.comparing(NotificationPolicy::name))
        .forEach(p -> rules.addAll(p.rules()));
    return rules;
  }

  private boolean hasPolicy(Optional<String> promise) {
    return policies.values().stream().anyMatch(p -> p.promise().equals(promise));
  }
}
