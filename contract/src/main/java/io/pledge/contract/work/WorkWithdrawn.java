package io.pledge.contract.work;

import java.util.List;

/**
 * Withdraw Works: their files leave every state store they were written to. Sent after a resource's
 * delete workflow, and for pipelines a Promise no longer has.
 *
 * @param key the resource key, or the Promise name
 * @param workType {@code resource}, {@code promise} or {@code static-dependency}
 * @param promise the Promise's name
 * @param generation the generation being withdrawn
 * @param pipelines the pipelines whose Works go; empty means all of the key's Works
 */
public record WorkWithdrawn(
    String key, String workType, String promise, long generation, List<String> pipelines) {}
