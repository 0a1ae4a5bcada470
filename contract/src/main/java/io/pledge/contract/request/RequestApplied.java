package io.pledge.contract.request;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;

/**
 * A resource request was validated and accepted at a new generation; pipeline-runner runs the
 * Promise's configure workflow for it.
 *
 * @param key the resource key
 * @param generation increases by one each time the request's {@code spec} changes
 * @param specHash a hash of the validated spec (with defaults applied)
 * @param resource the request document as validated: {@code apiVersion}, {@code kind}, {@code
 *     metadata} (with {@code generation}) and {@code spec} with schema defaults applied
 */
public record RequestApplied(
    ResourceKey key, long generation, String specHash, JsonNode resource) {}
