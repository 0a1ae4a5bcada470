package io.pledge.contract.request;

import io.pledge.contract.ResourceKey;

/**
 * request-intake accepted an apply or a delete.
 *
 * @param key the resource key
 * @param generation the generation the request is at after this action
 * @param specHash the hash of the accepted spec
 * @param action {@code apply}, {@code delete} or {@code reconcile}
 * @param requester who asked (the authenticated principal), if known
 */
public record RequestAccepted(
    ResourceKey key, long generation, String specHash, String action, String requester) {}
