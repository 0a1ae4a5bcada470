package io.pledge.contract.notification;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Pledge {@code pledge.io/v1alpha1} NotificationPolicy was applied: which lifecycle events go to
 * which channels, with which templates, for one Promise (or, without {@code spec.promise}, for
 * every Promise). Travels on the compacted {@code pledge.policies} topic keyed by {@code name}.
 *
 * @param name the policy's {@code metadata.name}
 * @param generation increases by one each time the policy's {@code spec} changes
 * @param policy the NotificationPolicy document as applied
 */
public record NotificationPolicyApplied(String name, long generation, JsonNode policy) {
  public static final String API_VERSION = "pledge.io/v1alpha1";
  public static final String KIND = "NotificationPolicy";
}
