package io.pledge.contract.destination;

import java.time.Instant;

/**
 * Whether a Destination or state store is ready, as state-writer last found it: Kratix's {@code
 * Ready} condition. Travels on the compacted {@code pledge.destinations.status} topic keyed like
 * the object ({@link DestinationApplied#key(String, String)}); a new record is published only when
 * something in it changes.
 *
 * @param kind {@code Destination}, {@code GitStateStore} or {@code BucketStateStore}
 * @param name the object's name
 * @param observedGeneration the object's {@code metadata.generation} the check ran against
 * @param ready the condition's status
 * @param reason Kratix's reason, e.g. {@code StateStoreReady}, {@code ErrorValidatingPermissions},
 *     {@code TestDocumentsWritten}, {@code StateStoreNotReady}
 * @param message for people; a store's own error, credentials redacted
 * @param since when {@code ready} last changed (the condition's {@code lastTransitionTime})
 */
public record DestinationReadiness(
    String kind,
    String name,
    long observedGeneration,
    boolean ready,
    String reason,
    String message,
    Instant since) {}
