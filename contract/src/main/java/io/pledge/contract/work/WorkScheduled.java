package io.pledge.contract.work;

import java.util.List;

/**
 * The scheduler's decision for a Work.
 *
 * @param key the resource key or Promise name
 * @param generation the Work's generation
 * @param pipeline the Work's pipeline
 * @param placements the groups that found a Destination
 * @param unscheduled the ids of groups that found none
 * @param message why groups are unscheduled: the labels nothing matched
 */
public record WorkScheduled(
    String key,
    long generation,
    String pipeline,
    List<Placement> placements,
    List<String> unscheduled,
    String message) {}
