package io.pledge.notifier.delivery;

import io.pledge.notifier.lifecycle.Lifecycle;

/**
 * One notification: tell {@code channel} that resource {@code key} reached {@code event} at {@code
 * generation}. It is sent at most once, whatever happens to the notifier.
 *
 * @param key the resource key
 * @param generation the generation
 * @param event a lifecycle event's id ({@code reconciled}, {@code created}, ...) or, for a
 *     notification a pipeline asked for, {@code pipeline:<pipeline>:<index>}
 * @param channel {@code slack}, {@code email} or {@code billing}
 */
public record Delivery(String key, long generation, String event, String channel) {

  public Delivery(String key, long generation, Lifecycle lifecycle, String channel) {
    this(key, generation, lifecycle.id(), channel);
  }

  /**
   * The key of its record on the delivered topic: {@code <key>#<generation>#<event>#<channel>}.
   * Resource keys are DNS-1123 names and slashes, so {@code #} cannot occur inside them.
   */
  public String ledgerKey() {
    return key + "#" + generation + "#" + event + "#" + channel;
  }
}
