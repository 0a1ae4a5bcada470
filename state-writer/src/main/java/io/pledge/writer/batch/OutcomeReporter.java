package io.pledge.writer.batch;

import io.opentelemetry.api.trace.StatusCode;
import io.pledge.contract.event.EventType;
import io.pledge.contract.work.ComponentSet;
import io.pledge.contract.work.Placement;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkCommitted;
import io.pledge.contract.work.WorkFailed;
import io.pledge.contract.work.WorkRemoved;
import io.pledge.contract.work.WorkScheduled;
import io.pledge.contract.work.WorkWithdrawn;
import io.pledge.writer.compound.ComponentSets;
import io.pledge.writer.scheduling.PlacementRecord;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.scheduling.RememberedWork;
import io.pledge.writer.scheduling.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Tells what a segment did, through the outbox: each Work's schedule before its files move, and
 * after the writes each Work's outcome (committed, failed, waiting, removed) with the placement
 * records and remembered Works that follow from it.
 */
final class OutcomeReporter {

  private static final Logger LOG = Logger.getLogger(OutcomeReporter.class);

  private final PlacementTable placements;
  private final StoreResolver resolver;
  private final Outbox outbox;

  OutcomeReporter(PlacementTable placements, StoreResolver resolver, Outbox outbox) {
    this.placements = placements;
    this.resolver = resolver;
    this.outbox = outbox;
  }

  void report(UpsertPlan plan, Map<String, StoreBatch> stores, List<ComponentSet> components) {
    Work work = plan.work;
    WorkMdc.put(work.key(), work.generation(), work.pipeline());
    try {
      Map<String, String> failures = new LinkedHashMap<>(plan.failures);
      List<Placement> committed = new ArrayList<>();
      for (Written written : plan.written) {
        StoreBatch batch = stores.get(written.storeId());
        if (batch.failure != null) {
          failures.put(written.target().destination(), batch.failure);
        } else {
          committed.add(placement(written, batch.version));
          Target target = written.target();
          if (!target.misplaced() && resolver.platform(target.destination())) {
            components.add(ComponentSets.of(work, target.workloadGroupId(), target.destination()));
          }
        }
      }
      for (Target target : plan.handedOver) {
        committed.add(
            new Placement(
                target.destination(),
                target.workloadGroupId(),
                null,
                null,
                List.of(),
                target.misplaced()));
        if (!target.misplaced()) {
          components.add(ComponentSets.of(work, target.workloadGroupId(), target.destination()));
        }
      }
      boolean droppedGone =
          plan.droppedStores.stream().allMatch(id -> stores.get(id).failure == null);
      if (droppedGone) {
        plan.droppedGroups.forEach(r -> outbox.placement(r.recordKey(), null));
      }
      for (PlacementRecord dropped : plan.droppedGroups) {
        withdrawComponents(dropped, work.generation(), components);
      }
      String state;
      if (!failures.isEmpty()) {
        failures.forEach(
            (destination, reason) -> {
              LOG.warnf("Work cannot be written to %s: %s", destination, reason);
              outbox.status(
                  EventType.WORK_FAILED,
                  work.key(),
                  new WorkFailed(
                      work.key(), work.generation(), work.pipeline(), destination, reason));
            });
        state = RememberedWork.FAILED;
      } else if (!plan.schedule.complete()) {
        LOG.infof("Work waits for a Destination: %s", plan.schedule.message());
        state = RememberedWork.PENDING;
      } else {
        outbox.status(
            EventType.WORK_COMMITTED,
            work.key(),
            new WorkCommitted(work.key(), work.generation(), work.pipeline(), committed));
        state = work.isResourceWork() ? null : RememberedWork.COMMITTED;
      }
      RememberedWork previous = placements.remembered(work.identity()).orElse(null);
      if (state == null) {
        if (previous != null) {
          outbox.placement(RememberedWork.recordKey(work.identity()), null);
        }
      } else {
        RememberedWork next = new RememberedWork(state, work);
        if (!next.equals(previous)) {
          outbox.placement(next.recordKey(), PlacementTable.json(next));
        }
      }
    } finally {
      WorkMdc.clear();
    }
  }

  void report(WithdrawPlan plan, Map<String, StoreBatch> stores, List<ComponentSet> components) {
    WorkWithdrawn withdrawn = plan.withdrawn;
    WorkMdc.put(withdrawn.key(), withdrawn.generation(), null);
    try {
      for (PlacementRecord record : plan.records) {
        withdrawComponents(record, withdrawn.generation(), components);
      }
      List<Placement> removed = new ArrayList<>();
      for (Written written : plan.removed) {
        StoreBatch batch = stores.get(written.storeId());
        if (batch.failure != null) {
          LOG.warnf(
              "Files of %s stay on %s: %s",
              withdrawn.key(), written.target().destination(), batch.failure);
          continue;
        }
        removed.add(placement(written, batch.version));
      }
      outbox.status(
          EventType.WORK_REMOVED,
          withdrawn.key(),
          new WorkRemoved(withdrawn.key(), withdrawn.generation(), removed));
      for (PlacementRecord record : plan.records) {
        outbox.placement(record.recordKey(), null);
      }
      for (RememberedWork remembered : placements.rememberedWorks()) {
        Work work = remembered.work();
        if (withdrawn.key().equals(work.key())
            && SegmentPlanner.withdraws(withdrawn, work.workType(), work.pipeline())) {
          outbox.placement(remembered.recordKey(), null);
        }
      }
    } finally {
      WorkMdc.clear();
    }
  }

  /** Compound Promises: the requests a placement gave the platform go with it. */
  private void withdrawComponents(
      PlacementRecord record, long generation, List<ComponentSet> components) {
    for (String destination : record.destinations()) {
      if (resolver.platform(destination)) {
        components.add(ComponentSets.withdrawn(record, destination, generation));
      }
    }
  }

  private Placement placement(Written written, String version) {
    return new Placement(
        written.target().destination(),
        written.target().workloadGroupId(),
        written.storeId(),
        version,
        written.paths(),
        written.target().misplaced());
  }

  /** Where a Work is going, sent before any of its files move. */
  WorkScheduled scheduled(UpsertPlan plan) {
    List<Placement> scheduled = new ArrayList<>();
    for (Target target : plan.schedule.targets()) {
      String store = resolver.storeIdOf(target.destination());
      scheduled.add(
          new Placement(
              target.destination(),
              target.workloadGroupId(),
              store,
              null,
              List.of(),
              target.misplaced()));
    }
    Work work = plan.work;
    return new WorkScheduled(
        work.key(),
        work.generation(),
        work.pipeline(),
        scheduled,
        plan.schedule.unscheduled(),
        plan.schedule.message());
  }

  /** Refuses a Work no Destination can take: WORK_FAILED with the reason, and a dead letter. */
  void reject(SegmentPlan.Rejection rejection) {
    Work work = rejection.command().work();
    rejection.span().setStatus(StatusCode.ERROR, rejection.reason());
    outbox.status(
        EventType.WORK_FAILED,
        work.key(),
        new WorkFailed(work.key(), work.generation(), work.pipeline(), null, rejection.reason()));
    if (rejection.command().source() != null) {
      outbox.deadLetter(rejection.command().source(), rejection.reason());
    }
  }
}
