package io.pledge.contract.work;

import java.util.List;

/**
 * Files that are scheduled together (Kratix's workload group).
 *
 * @param id hex md5 of {@code directory}; {@code 5058f1af8388633f609cadb75a75dc9d} for {@code .}
 * @param directory a top-level directory of {@code /kratix/output}, or {@code .} for the rest
 * @param destinationSelectors selectors from the workflow and the Promise, with their source
 * @param workloads the files
 */
public record WorkloadGroup(
    String id,
    String directory,
    List<DestinationSelector> destinationSelectors,
    List<Workload> workloads) {

  /** The first five hex digits of the id, used in state-store paths. */
  public String shortId() {
    return id.substring(0, 5);
  }
}
