package io.pledge.contract.notification;

/**
 * The outcome of one notification delivery attempt.
 *
 * @param key the resource key
 * @param generation the resource generation the notification is about
 * @param event the lifecycle event: {@code requested}, {@code reconciled}, {@code failed}, {@code
 *     deleted}
 * @param channel {@code slack}, {@code email} or {@code billing}
 * @param outcome {@code sent}, {@code retrying} or {@code failed}
 * @param attempt the attempt number, from 1
 * @param detail a short description (the HTTP status, the reason it failed)
 */
public record NotificationDelivered(
    String key,
    long generation,
    String event,
    String channel,
    String outcome,
    int attempt,
    String detail) {
  public static final String SENT = "sent";
  public static final String RETRYING = "retrying";
  public static final String FAILED = "failed";
}
