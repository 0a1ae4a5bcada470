package io.pledge.bench.verify;

/**
 * A call a stub received and answered 2xx.
 *
 * @param channel {@code slack} or {@code billing}
 * @param key the resource
 * @param event {@code reconciled}, {@code failed} (Slack) or {@code created}, {@code updated},
 *     {@code deleted} (billing)
 * @param generation the generation it is about
 * @param idempotencyKey the billing call's {@code Idempotency-Key}; null for Slack
 */
public record Delivery(
    String channel, String key, String event, long generation, String idempotencyKey) {}
