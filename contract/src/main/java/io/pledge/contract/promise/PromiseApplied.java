package io.pledge.contract.promise;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Promise was applied (created or changed). Travels on the compacted {@code pledge.promises}
 * topic keyed by {@code name}, so the latest document per Promise is the source of truth.
 *
 * @param name the Promise's {@code metadata.name}
 * @param generation increases by one each time the Promise's {@code spec} changes
 * @param promise the Kratix {@code platform.kratix.io/v1alpha1} Promise document, unchanged, with
 *     {@code metadata.generation} set
 */
public record PromiseApplied(String name, long generation, JsonNode promise) {}
