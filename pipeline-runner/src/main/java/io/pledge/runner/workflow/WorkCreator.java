package io.pledge.runner.workflow;

import io.pledge.contract.work.DestinationSelector;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.runner.outcome.PipelineFailure;
import io.pledge.runner.sandbox.OutputTree;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Splits a pipeline's output into workload groups, as Kratix's work-creator does (kratix.md §2.5).
 * Pure: the same output always gives the same groups, byte for byte.
 */
public final class WorkCreator {

  private WorkCreator() {}

  /**
   * The workload groups of {@code output}.
   *
   * @param output what the pipeline left in /kratix/output
   * @param selectors the validated entries of destination-selectors.yaml
   * @param workflowType {@code resource} or {@code promise}
   * @param promiseSelectors the Promise's squashed {@code spec.destinationSelectors}
   * @throws PipelineFailure when a selector names a directory the output does not have
   */
  public static List<WorkloadGroup> groups(
      OutputTree output,
      List<DestinationSelectorsFile.Entry> selectors,
      String workflowType,
      Map<String, String> promiseSelectors)
      throws PipelineFailure {
    String workflowSource = workflowType + "-workflow";
    List<WorkloadGroup> groups = new ArrayList<>();
    Map<String, String> defaultSelector = null;
    for (DestinationSelectorsFile.Entry entry : selectors) {
      if (entry.isDefault()) {
        defaultSelector = entry.matchLabels();
        continue;
      }
      String dir = entry.directory();
      if (!output.topLevelDirectories().contains(dir)) {
        throw new PipelineFailure(
            DestinationSelectorsFile.NAME
                + " names directory "
                + dir
                + ", which /kratix/output does not have");
      }
      List<Workload> workloads =
          output.files().stream()
              .filter(f -> f.path().startsWith(dir + "/"))
              .map(f -> Workload.of(f.path(), f.bytes()))
              .toList();
      // Directory groups ignore the Promise's selectors, as in Kratix.
      groups.add(
          new WorkloadGroup(
              md5Hex(dir),
              dir,
              List.of(new DestinationSelector(entry.matchLabels(), workflowSource)),
              workloads));
    }
    Set<String> claimed =
        selectors.stream()
            .filter(e -> !e.isDefault())
            .map(DestinationSelectorsFile.Entry::directory)
            .collect(Collectors.toSet());
    List<Workload> rest =
        output.files().stream()
            .filter(f -> !claimed.contains(topLevel(f.path())))
            .map(f -> Workload.of(f.path(), f.bytes()))
            .toList();
    if (!rest.isEmpty()) {
      List<DestinationSelector> defaults = new ArrayList<>();
      if (defaultSelector != null) {
        defaults.add(new DestinationSelector(defaultSelector, workflowSource));
      }
      if (promiseSelectors != null && !promiseSelectors.isEmpty()) {
        defaults.add(new DestinationSelector(promiseSelectors, DestinationSelector.PROMISE));
      }
      groups.add(
          new WorkloadGroup(
              md5Hex(DestinationSelectorsFile.ROOT),
              DestinationSelectorsFile.ROOT,
              List.copyOf(defaults),
              rest));
    }
    return List.copyOf(groups);
  }

  /** Hex md5 of {@code text}: a workload group's id is the md5 of its directory. */
  public static String md5Hex(String text) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      return HexFormat.of().formatHex(md5.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is always available", e);
    }
  }

  /** The top-level directory of a file path, or null for a file at the root. */
  private static String topLevel(String path) {
    int slash = path.indexOf('/');
    return slash < 0 ? null : path.substring(0, slash);
  }
}
