package io.pledge.contract.work;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Compound Promises: one workload group of a Work that was placed on a platform Destination (label
 * {@value #PLATFORM_LABEL}), handed to request-intake to apply as requests. It is always the whole
 * set: a request of an earlier set that this one no longer holds is deleted, and a set without
 * workloads (the Work withdrawn, the group gone) deletes them all. The data of {@code
 * pledge.components.applied}, keyed by {@link #parentKey()}.
 *
 * @param parentKey the resource key of the request whose workflow wrote the set, or the Promise
 *     name for a Promise's own Works
 * @param workType {@code resource}, {@code promise} or {@code static-dependency}
 * @param promise the parent's Promise
 * @param parentNamespace the parent request's namespace (resource Works only)
 * @param parentName the parent request's name (resource Works only)
 * @param pipeline the pipeline that wrote it (absent for static dependencies)
 * @param generation the parent's generation the Work was produced for
 * @param workloadGroupId the workload group's id
 * @param destination the platform Destination it was placed on
 * @param workloads the group's files, as in the Work; empty to delete every request of the set
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComponentSet(
    String parentKey,
    String workType,
    String promise,
    String parentNamespace,
    String parentName,
    String pipeline,
    long generation,
    String workloadGroupId,
    String destination,
    List<Workload> workloads) {

  /** Marks a Destination as the platform itself: its Works are requests Pledge applies. */
  public static final String PLATFORM_LABEL = "pledge.io/platform";

  /** Kratix's labels on a compound Promise's sub-requests. */
  public static final String PARENT_PROMISE_LABEL = "kratix.io/parent-promise-name";

  public static final String PARENT_NAME_LABEL = "kratix.io/parent-resource-name";
  public static final String PARENT_NAMESPACE_LABEL = "kratix.io/parent-resource-namespace";

  /** Which set a request belongs to ({@link #setLabel()}): what a later set replaces or deletes. */
  public static final String SET_LABEL = "pledge.io/component-set";

  public ComponentSet {
    workloads = workloads == null ? List.of() : List.copyOf(workloads);
  }

  /** What makes two sets the same set across generations. */
  @JsonIgnore
  public String identity() {
    return parentKey
        + "#"
        + workType
        + "#"
        + (pipeline == null ? "" : pipeline)
        + "#"
        + workloadGroupId;
  }

  /** The value of {@link #SET_LABEL}: a label value (63 characters at most) naming the set. */
  @JsonIgnore
  public String setLabel() {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(identity().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the set deletes every request it held before. */
  @JsonIgnore
  public boolean withdrawn() {
    return workloads.isEmpty();
  }

  /** Whether a Destination with {@code labels} is the platform. */
  public static boolean isPlatform(java.util.Map<String, String> labels) {
    return labels != null && "true".equals(labels.get(PLATFORM_LABEL));
  }
}
