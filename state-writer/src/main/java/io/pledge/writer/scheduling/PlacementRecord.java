package io.pledge.writer.scheduling;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.pledge.contract.work.Work;
import java.util.List;

/**
 * Where one workload group of one Work was placed: the value of a {@code placement/...} record on
 * {@code pledge.placements}. It carries enough of the Work to find its folders again when the Work
 * is withdrawn.
 *
 * @param key the Work's key (resource key or Promise name)
 * @param workType {@code resource}, {@code promise} or {@code static-dependency}
 * @param promise the Promise's name
 * @param resourceNamespace the request's namespace (resource Works)
 * @param resourceName the request's name (resource Works)
 * @param pipeline the pipeline (null for static dependencies)
 * @param workloadGroupId the group's id
 * @param destinations the Destinations it was placed on (one for resource Works)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PlacementRecord(
    String key,
    String workType,
    String promise,
    String resourceNamespace,
    String resourceName,
    String pipeline,
    String workloadGroupId,
    List<String> destinations) {

  /** The record of {@code work}'s group {@code groupId} placed on {@code destinations}. */
  public static PlacementRecord of(Work work, String groupId, List<String> destinations) {
    return new PlacementRecord(
        work.key(),
        work.workType(),
        work.promise(),
        work.resourceNamespace(),
        work.resourceName(),
        work.pipeline(),
        groupId,
        List.copyOf(destinations));
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
