package io.pledge.writer.scheduling;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.writer.layout.StateStoreLayout;
import java.util.List;
import java.util.Map;

/**
 * Where one workload group of one Work was placed: the value of a {@code placement/...} record on
 * {@code pledge.placements}. It carries enough of the Work to find its files again when the Work is
 * withdrawn, to tell whether its Destinations still match when their labels change, and (for
 * Destinations with the {@code aggregatedYAML} filepath mode, whose one file holds every placement)
 * the group's files.
 *
 * @param key the Work's key (resource key or Promise name)
 * @param workType {@code resource}, {@code promise} or {@code static-dependency}
 * @param promise the Promise's name
 * @param resourceNamespace the request's namespace (resource Works)
 * @param resourceName the request's name (resource Works)
 * @param pipeline the pipeline (null for static dependencies)
 * @param workloadGroupId the group's id
 * @param destinations the Destinations it was placed on (one for resource Works)
 * @param generation the generation of the Work last written
 * @param selector the group's effective Destination selector
 * @param misplaced the Destinations among {@code destinations} that no longer match {@code
 *     selector} (the files stay)
 * @param workloads the group's files, kept only when a Destination aggregates them
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlacementRecord(
    String key,
    String workType,
    String promise,
    String resourceNamespace,
    String resourceName,
    String pipeline,
    String workloadGroupId,
    List<String> destinations,
    long generation,
    Map<String, String> selector,
    List<String> misplaced,
    List<Workload> workloads) {

  /**
   * The record of {@code work}'s group {@code group} placed on {@code destinations}.
   *
   * @param misplaced those of {@code destinations} that no longer match
   * @param keepWorkloads whether the group's files go into the record
   */
  public static PlacementRecord of(
      Work work,
      WorkloadGroup group,
      List<String> destinations,
      List<String> misplaced,
      boolean keepWorkloads) {
    return new PlacementRecord(
        work.key(),
        work.workType(),
        work.promise(),
        work.resourceNamespace(),
        work.resourceName(),
        work.pipeline(),
        group.id(),
        List.copyOf(destinations),
        work.generation(),
        new java.util.TreeMap<>(Scheduler.effectiveSelector(group.destinationSelectors())),
        List.copyOf(misplaced),
        keepWorkloads ? List.copyOf(group.workloads()) : null);
  }

  /** The same record with {@code misplaced} Destinations. */
  public PlacementRecord withMisplaced(List<String> misplacedDestinations) {
    return new PlacementRecord(
        key,
        workType,
        promise,
        resourceNamespace,
        resourceName,
        pipeline,
        workloadGroupId,
        destinations,
        generation,
        selector,
        List.copyOf(misplacedDestinations),
        workloads);
  }

  /** Whether the files on {@code destination} are misplaced. */
  public boolean misplacedOn(String destination) {
    return misplaced != null && misplaced.contains(destination);
  }

  /** The Kratix-style WorkPlacement name of this group on {@code destination}. */
  public String workPlacementName(String destination) {
    return StateStoreLayout.workPlacementName(
        key, workType, promise, resourceName, pipeline, destination, workloadGroupId);
  }

  /** Same as {@link Work#identity()}. */
  public String identity() {
    return identity(key, workType, pipeline);
  }

  /** The Kafka key of this record on {@code pledge.placements}. */
  public String recordKey() {
    return recordKey(identity(), workloadGroupId);
  }

  public static String identity(String key, String workType, String pipeline) {
    return key + "#" + workType + "#" + (pipeline == null ? "" : pipeline);
  }

  public static String recordKey(String identity, String groupId) {
    return PlacementTable.PLACEMENT_PREFIX + identity + "/" + groupId;
  }
}
