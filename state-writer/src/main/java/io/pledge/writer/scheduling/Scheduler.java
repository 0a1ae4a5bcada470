package io.pledge.writer.scheduling;

import io.pledge.contract.kratix.Destination;
import io.pledge.contract.work.DestinationSelector;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkloadGroup;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Kratix's scheduler (kratix.md §3.1) as a pure function: which Destinations each workload group of
 * a Work goes to, given the Destinations that exist and where the groups went before.
 */
public final class Scheduler {

  /** Destinations with this label set to {@code "true"} only take dry-run Works. */
  public static final String DRY_RUN_LABEL = "kratix.io/dry-run";

  private static final List<String> PRIORITY =
      List.of(
          DestinationSelector.RESOURCE_WORKFLOW,
          DestinationSelector.PROMISE_WORKFLOW,
          DestinationSelector.PROMISE);

  private Scheduler() {}

  /**
   * Schedules every workload group of {@code work}.
   *
   * <p>Resource Works go to one Destination per group. A group placed before stays where it is
   * (sticky) as long as that Destination exists, and is marked misplaced when it no longer matches.
   * Otherwise the Destination is picked among the sorted candidates by a hash of the Work's key and
   * the group id, so a redo after a crash picks the same one. Promise and static-dependency Works
   * go to every candidate, and keep (misplaced) the Destinations they were on that no longer match.
   *
   * @param destinations the Destinations that exist
   * @param existing where each group (by id) was placed before; missing or empty for none
   */
  public static Schedule schedule(
      Work work, Collection<Destination> destinations, Map<String, Set<String>> existing) {
    Map<String, Destination> byName = new TreeMap<>();
    for (Destination d : destinations) {
      if (d.name() != null) {
        byName.put(d.name(), d);
      }
    }
    List<Target> targets = new ArrayList<>();
    List<String> unscheduled = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    List<WorkloadGroup> groups = work.workloadGroups() == null ? List.of() : work.workloadGroups();
    for (WorkloadGroup group : groups) {
      Map<String, String> selector = effectiveSelector(group.destinationSelectors());
      List<String> candidates = candidates(selector, byName.values());
      Set<String> before = new TreeSet<>(existing.getOrDefault(group.id(), Set.of()));
      before.retainAll(byName.keySet());
      List<Target> chosen = new ArrayList<>();
      if (work.isResourceWork()) {
        if (!before.isEmpty()) {
          String kept = before.iterator().next();
          chosen.add(new Target(group.id(), kept, !candidates.contains(kept)));
        } else if (!candidates.isEmpty()) {
          String picked = candidates.get(pick(work.key(), group.id(), candidates.size()));
          chosen.add(new Target(group.id(), picked, false));
        }
      } else {
        Set<String> all = new TreeSet<>(candidates);
        all.addAll(before);
        for (String name : all) {
          chosen.add(new Target(group.id(), name, !candidates.contains(name)));
        }
      }
      if (chosen.isEmpty()) {
        unscheduled.add(group.id());
        reasons.add(waitingFor(group.id(), selector));
      }
      targets.addAll(chosen);
    }
    String message =
        unscheduled.isEmpty()
            ? null
            : "No matching destination found for workloadGroups: "
                + unscheduled
                + "; "
                + String.join("; ", reasons);
    return new Schedule(List.copyOf(targets), List.copyOf(unscheduled), message);
  }

  /**
   * The selectors of a group merged into one: sources apply in increasing priority ({@code
   * resource-workflow}, {@code promise-workflow}, {@code promise}; unknown sources first) and later
   * ones win on key conflicts.
   */
  public static Map<String, String> effectiveSelector(List<DestinationSelector> selectors) {
    Map<String, String> merged = new LinkedHashMap<>();
    if (selectors == null) {
      return merged;
    }
    selectors.stream()
        .sorted(Comparator.comparingInt(s -> PRIORITY.indexOf(s.source())))
        .forEach(
            s -> {
              if (s.matchLabels() != null) {
                merged.putAll(s.matchLabels());
              }
            });
    return merged;
  }

  /**
   * The names of the Destinations a selector picks, sorted. A non-empty selector matches
   * Destinations carrying all its labels; an empty one matches every Destination except those with
   * {@code strictMatchLabels} and labels. Dry-run Destinations only match a dry-run selector.
   */
  public static List<String> candidates(
      Map<String, String> selector, Collection<Destination> destinations) {
    boolean dryRunWork = "true".equals(selector.get(DRY_RUN_LABEL));
    return destinations.stream()
        .filter(d -> d.name() != null)
        .filter(d -> dryRunWork || !isDryRun(d))
        .filter(d -> matches(d, selector))
        .map(Destination::name)
        .sorted()
        .collect(Collectors.toList());
  }

  /** Whether {@code destination} is a candidate for {@code selector} (dry-run aside). */
  public static boolean matches(Destination destination, Map<String, String> selector) {
    Map<String, String> labels =
        destination.metadata() == null ? Map.of() : destination.metadata().labelsOrEmpty();
    if (selector.isEmpty()) {
      boolean strict = destination.spec() != null && destination.spec().strictMatchLabels();
      return !(strict && !labels.isEmpty());
    }
    return selector.entrySet().stream()
        .allMatch(e -> e.getValue() != null && e.getValue().equals(labels.get(e.getKey())));
  }

  /** A stable choice in {@code [0, n)} for a Work key and group: same inputs, same answer. */
  static int pick(String key, String groupId, int n) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((key + "/" + groupId).getBytes(StandardCharsets.UTF_8));
      int value =
          ((hash[0] & 0xff) << 24)
              | ((hash[1] & 0xff) << 16)
              | ((hash[2] & 0xff) << 8)
              | (hash[3] & 0xff);
      return Math.floorMod(value, n);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static boolean isDryRun(Destination d) {
    return d.metadata() != null && "true".equals(d.metadata().labelsOrEmpty().get(DRY_RUN_LABEL));
  }

  private static String waitingFor(String groupId, Map<String, String> selector) {
    if (selector.isEmpty()) {
      return "workloadGroup " + groupId + " is waiting for any destination";
    }
    String labels =
        new TreeMap<>(selector)
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    return "workloadGroup " + groupId + " is waiting for a destination with labels " + labels;
  }
}
