package io.pledge.contract.work;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Where one workload group of a Work went, and what was written there.
 *
 * @param destination the Destination's name
 * @param workloadGroupId the group's id
 * @param stateStore the state store, as {@code <Kind>/<name>}
 * @param version the commit SHA (Git) or version (bucket) that holds the files, once written
 * @param paths the files written, relative to the state store root
 * @param misplaced true when the Destination no longer matches (the files stay; Kratix semantics)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Placement(
    String destination,
    String workloadGroupId,
    String stateStore,
    String version,
    List<String> paths,
    boolean misplaced) {}
