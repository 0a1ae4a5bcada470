package io.pledge.writer.scheduling;

/**
 * One workload group placed on one Destination.
 *
 * @param workloadGroupId the group's id
 * @param destination the Destination's name
 * @param misplaced the Destination no longer matches the group's selector; the placement is kept
 */
public record Target(String workloadGroupId, String destination, boolean misplaced) {}
