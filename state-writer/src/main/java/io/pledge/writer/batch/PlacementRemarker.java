package io.pledge.writer.batch;

import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.Destination;
import io.pledge.contract.work.Placement;
import io.pledge.contract.work.WorkScheduled;
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.scheduling.PlacementRecord;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.scheduling.Scheduler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Marks placements misplaced, or no longer, when a Destination's labels change; Kratix leaves a
 * misplaced placement's files where they are and says so, and so does this.
 */
final class PlacementRemarker {

  private static final Logger LOG = Logger.getLogger(PlacementRemarker.class);

  private final DestinationTable destinations;
  private final PlacementTable placements;
  private final StoreResolver resolver;
  private final Outbox outbox;

  PlacementRemarker(
      DestinationTable destinations,
      PlacementTable placements,
      StoreResolver resolver,
      Outbox outbox) {
    this.destinations = destinations;
    this.placements = placements;
    this.resolver = resolver;
    this.outbox = outbox;
  }

  /**
   * Looks again at the placements on a Destination whose labels may have changed: a placement whose
   * group's selector no longer matches it is marked misplaced (its files stay, as in Kratix), one
   * that matches again is no longer; each Work whose marks changed gets a {@code WORK_SCHEDULED}
   * naming all its placements with their marks.
   *
   * @param owns whether this instance handles a Work key (owns its {@code pledge.works} partition)
   * @return how many Works were re-marked
   */
  int remark(String destinationName, Predicate<String> owns) {
    Destination destination = destinations.destination(destinationName).orElse(null);
    if (destination == null) {
      return 0;
    }
    Map<String, List<PlacementRecord>> changed = new TreeMap<>();
    for (PlacementRecord record : placements.placementsOn(destinationName)) {
      if (record.selector() == null || !owns.test(record.key())) {
        continue;
      }
      boolean misplaced = Scheduler.candidates(record.selector(), List.of(destination)).isEmpty();
      if (misplaced == record.misplacedOn(destinationName)) {
        continue;
      }
      List<String> marks =
          new ArrayList<>(record.misplaced() == null ? List.of() : record.misplaced());
      marks.remove(destinationName);
      if (misplaced) {
        marks.add(destinationName);
      }
      PlacementRecord next = record.withMisplaced(marks);
      outbox.placement(next.recordKey(), PlacementTable.json(next));
      changed.computeIfAbsent(record.identity(), i -> new ArrayList<>()).add(next);
    }
    if (changed.isEmpty()) {
      return 0;
    }
    outbox.flush();
    for (String identity : changed.keySet()) {
      List<PlacementRecord> records = placements.placementsOf(identity);
      records.sort(Comparator.comparing(PlacementRecord::workloadGroupId));
      PlacementRecord first = records.get(0);
      WorkMdc.put(first.key(), first.generation(), first.pipeline());
      try {
        List<Placement> scheduled = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        long generation = 0;
        for (PlacementRecord record : records) {
          generation = Math.max(generation, record.generation());
          for (String name : record.destinations()) {
            boolean misplaced = record.misplacedOn(name);
            scheduled.add(
                new Placement(
                    name,
                    record.workloadGroupId(),
                    resolver.storeIdOf(name),
                    null,
                    List.of(),
                    misplaced));
            if (misplaced) {
              reasons.add(
                  "workloadGroup "
                      + record.workloadGroupId()
                      + " is misplaced: Destination "
                      + name
                      + " no longer matches "
                      + labels(record.selector()));
            }
          }
        }
        LOG.infof(
            "Placements re-marked after Destination %s changed: %s", destinationName, reasons);
        outbox.status(
            EventType.WORK_SCHEDULED,
            first.key(),
            new WorkScheduled(
                first.key(),
                generation,
                first.pipeline(),
                scheduled,
                List.of(),
                reasons.isEmpty() ? null : String.join("; ", reasons)));
      } finally {
        WorkMdc.clear();
      }
    }
    outbox.flush();
    return changed.size();
  }

  private static String labels(Map<String, String> selector) {
    if (selector == null || selector.isEmpty()) {
      return "an empty selector (strictMatchLabels)";
    }
    StringBuilder labels = new StringBuilder("labels ");
    new TreeMap<>(selector)
        .forEach(
            (k, v) ->
                labels.append(labels.length() > 7 ? "," : "").append(k).append('=').append(v));
    return labels.toString();
  }
}
