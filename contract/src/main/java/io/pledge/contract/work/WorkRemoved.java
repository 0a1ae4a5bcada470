package io.pledge.contract.work;

import java.util.List;

/**
 * Withdrawn Works are gone from every state store.
 *
 * @param key the resource key or Promise name
 * @param generation the withdrawn generation
 * @param placements where files were removed, with the commit SHA of each removal
 */
public record WorkRemoved(String key, long generation, List<Placement> placements) {}
