package io.pledge.writer.compound;

import io.pledge.contract.kratix.Destination;
import io.pledge.contract.work.ComponentSet;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.writer.scheduling.PlacementRecord;
import java.util.List;
import java.util.Optional;

/**
 * Compound Promises, the writer's half: what a placement on a platform Destination hands to
 * request-intake. Pure; the commit batcher sends the sets once the Work's writes succeeded.
 */
public final class ComponentSets {

  private ComponentSets() {}

  /** Whether {@code destination} (when known) is the platform itself. */
  public static boolean platform(Optional<Destination> destination) {
    return destination
        .map(d -> d.metadata() != null && ComponentSet.isPlatform(d.metadata().labels()))
        .orElse(false);
  }

  /** The requests {@code work}'s group {@code groupId} asks for, placed on {@code destination}. */
  public static ComponentSet of(Work work, String groupId, String destination) {
    WorkloadGroup group =
        work.workloadGroups().stream()
            .filter(g -> g.id().equals(groupId))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no group " + groupId));
    return new ComponentSet(
        work.key(),
        work.workType(),
        work.promise(),
        work.resourceNamespace(),
        work.resourceName(),
        work.pipeline(),
        work.generation(),
        groupId,
        destination,
        group.workloads());
  }

  /**
   * The empty set that deletes every request placed by {@code record} on {@code destination}: the
   * Work was withdrawn, or no longer has the group.
   */
  public static ComponentSet withdrawn(
      PlacementRecord record, String destination, long generation) {
    return new ComponentSet(
        record.key(),
        record.workType(),
        record.promise(),
        record.resourceNamespace(),
        record.resourceName(),
        record.pipeline(),
        generation,
        record.workloadGroupId(),
        destination,
        List.of());
  }
}
