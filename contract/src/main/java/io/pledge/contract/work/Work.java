package io.pledge.contract.work;

import java.util.List;

/**
 * The output of one pipeline run, split into workload groups, ready to be scheduled. The data of
 * {@code pledge.work.upserted}; it replaces any earlier Work of the same {@link #identity()}.
 *
 * @param key the resource key, or the Promise name for promise-level Works
 * @param workType {@code resource}, {@code promise} or {@code static-dependency}
 * @param promise the Promise's name
 * @param resourceNamespace the request's namespace (resource Works only)
 * @param resourceName the request's name (resource Works only)
 * @param pipeline the pipeline that produced it (absent for static dependencies)
 * @param generation the generation of the object the pipeline ran for
 * @param workloadGroups the groups; empty when the pipeline wrote no output
 */
public record Work(
    String key,
    String workType,
    String promise,
    String resourceNamespace,
    String resourceName,
    String pipeline,
    long generation,
    List<WorkloadGroup> workloadGroups) {

  public static final String RESOURCE = "resource";
  public static final String PROMISE = "promise";
  public static final String STATIC_DEPENDENCY = "static-dependency";

  /** Resource Works go to one Destination per group; promise-level Works to all that match. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isResourceWork() {
    return RESOURCE.equals(workType);
  }

  /** What makes a Work the same Work across generations: its key, type and pipeline. */
  public String identity() {
    return key + "#" + workType + "#" + (pipeline == null ? "" : pipeline);
  }
}
