package io.pledge.contract.work;

import java.util.List;

/**
 * Every scheduled group of a Work is durably in its state store.
 *
 * @param key the resource key or Promise name
 * @param generation the Work's generation
 * @param pipeline the Work's pipeline
 * @param placements where it landed, with the commit SHA of each
 */
public record WorkCommitted(
    String key, long generation, String pipeline, List<Placement> placements) {}
