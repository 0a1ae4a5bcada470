package io.pledge.contract.notification;

/**
 * A NotificationPolicy was deleted; the last record for its key on {@code pledge.policies}.
 *
 * @param name the policy's name
 */
public record NotificationPolicyDeleted(String name) {}
