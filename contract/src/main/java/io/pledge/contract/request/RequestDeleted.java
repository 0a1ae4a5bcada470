package io.pledge.contract.request;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;

/**
 * A resource request was deleted: its delete workflow runs, then its Works are withdrawn.
 *
 * @param key the resource key
 * @param generation the generation being deleted
 * @param resource the last accepted request document, for the delete workflow's {@code object.yaml}
 */
public record RequestDeleted(ResourceKey key, long generation, JsonNode resource) {}
