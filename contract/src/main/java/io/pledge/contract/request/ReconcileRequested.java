package io.pledge.contract.request;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;

/**
 * Re-run the configure workflow of a resource at its current generation (Kratix's manual
 * reconciliation label, a periodic interval, or a Promise change).
 *
 * @param key the resource key
 * @param generation the current generation
 * @param reason {@code manual}, {@code periodic} or {@code promise-changed}
 * @param resource the current request document
 */
public record ReconcileRequested(
    ResourceKey key, long generation, String reason, JsonNode resource) {}
