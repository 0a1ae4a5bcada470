package io.pledge.notifier.lifecycle;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.status.ResourceStatus;

/**
 * A resource reached {@code lifecycle} at {@code generation}.
 *
 * @param key the resource key
 * @param generation the generation it is about
 * @param lifecycle what happened
 * @param status the folded status right after it happened (Destinations, commits, failure)
 */
public record LifecycleEvent(
    ResourceKey key, long generation, Lifecycle lifecycle, ResourceStatus status) {}
