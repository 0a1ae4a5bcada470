package io.pledge.contract.destination;

/**
 * A Destination or state store was deleted.
 *
 * @param kind {@code Destination}, {@code GitStateStore} or {@code BucketStateStore}
 * @param name its name
 */
public record DestinationDeleted(String kind, String name) {}
