package io.pledge.contract.work;

/**
 * Writing a Work failed; the writer keeps retrying and publishes {@link WorkCommitted} once it
 * succeeds.
 *
 * @param key the resource key or Promise name
 * @param generation the Work's generation
 * @param pipeline the Work's pipeline
 * @param destination the Destination it was written for
 * @param reason why
 */
public record WorkFailed(
    String key, long generation, String pipeline, String destination, String reason) {}
