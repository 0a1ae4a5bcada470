package io.pledge.notifier.lifecycle;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.status.Condition;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.contract.work.Placement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain words for a lifecycle event, shared by every channel. */
public final class LifecycleText {

  private static final int SHORT_SHA = 7;

  private LifecycleText() {}

  /**
   * One line naming the resource, e.g. {@code postgresql default/example is Reconciled (generation
   * 1) — committed 3c1d2e4 to worker-1}.
   */
  public static String summary(LifecycleEvent event) {
    String resource = resource(event.key());
    long generation = event.generation();
    ResourceStatus status = event.status();
    return switch (event.lifecycle()) {
      case REQUESTED ->
          resource
              + " was requested (generation "
              + generation
              + ")"
              + (status.requester() == null ? "" : " by " + status.requester());
      case RECONCILED ->
          resource
              + " is Reconciled (generation "
              + generation
              + ")"
              + commits(distinctPlacements(status));
      case FAILED -> resource + " is Failing (generation " + generation + "): " + why(status);
      case DELETED -> resource + " was deleted (generation " + generation + ")";
      case CREATED -> resource + " was created (generation " + generation + ")";
      case UPDATED -> resource + " was updated (generation " + generation + ")";
      case PIPELINE -> resource + ": a pipeline asks to notify (generation " + generation + ")";
    };
  }

  /** {@code <promise> <namespace>/<name>}, as people name a resource. */
  public static String resource(ResourceKey key) {
    return key.promise() + " " + key.namespace() + "/" + key.name();
  }

  /** Why a resource is failing: the failed pipeline and its reason, or the failing Works. */
  public static String why(ResourceStatus status) {
    String reason = status.condition(Condition.RECONCILED).map(Condition::reason).orElse("Failing");
    if ("ConfigureWorkflowFailed".equals(reason) && status.lastFailure() != null) {
      return "pipeline "
          + status.lastFailure().pipeline()
          + " failed"
          + (status.lastFailure().reason() == null ? "" : ": " + status.lastFailure().reason());
    }
    return status
        .condition(Condition.WORKS_SUCCEEDED)
        .filter(c -> !c.isTrue())
        .map(Condition::message)
        .orElse(reason);
  }

  /** One entry per (Destination, commit): several groups often land in the same commit. */
  public static List<Placement> distinctPlacements(ResourceStatus status) {
    Map<String, Placement> distinct = new LinkedHashMap<>();
    for (Placement p : status.placements()) {
      distinct.putIfAbsent(p.destination() + "@" + p.version(), p);
    }
    return List.copyOf(distinct.values());
  }

  private static String commits(List<Placement> placements) {
    List<String> parts = new ArrayList<>();
    for (Placement p : placements) {
      parts.add(
          p.version() == null
              ? "to " + p.destination()
              : shortSha(p.version()) + " to " + p.destination());
    }
    return parts.isEmpty() ? "" : " — committed " + String.join(", ", parts);
  }

  private static String shortSha(String version) {
    return version.length() > SHORT_SHA && version.matches("[0-9a-f]+")
        ? version.substring(0, SHORT_SHA)
        : version;
  }
}
