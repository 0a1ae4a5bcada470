package io.pledge.bench.verify;

/**
 * A request Pledge accepted: its resource, the generation it got and the {@code spec.seq} it
 * carried (which the committed manifest must show when it is the resource's last).
 */
public record Accepted(String key, long generation, long seq) {}
