package io.pledge.writer.scheduling;

import java.util.List;

/**
 * The scheduler's decision for one Work.
 *
 * @param targets where each scheduled group goes, in group order
 * @param unscheduled the ids of groups no Destination matched
 * @param message why groups are unscheduled (the labels nothing matched), or null
 */
public record Schedule(List<Target> targets, List<String> unscheduled, String message) {

  /** True when every group found a Destination. */
  public boolean complete() {
    return unscheduled.isEmpty();
  }
}
