package io.pledge.writer.batch;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.kratix.Destination;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkFailed;
import io.pledge.contract.work.WorkWithdrawn;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.layout.StateStoreLayout;
import io.pledge.writer.scheduling.PlacementRecord;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.scheduling.Schedule;
import io.pledge.writer.scheduling.Scheduler;
import io.pledge.writer.scheduling.Target;
import io.pledge.writer.store.FolderChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Decides what a segment's commands do, before anything is written: each Work's Destinations and
 * placement records, and the changes of each store's one commit. It reads the Destination and
 * placement tables and writes nothing; {@link CommitBatcher} carries the plan out.
 */
final class SegmentPlanner {

  private static final Logger LOG = Logger.getLogger(SegmentPlanner.class);

  private final DestinationTable destinations;
  private final PlacementTable placements;
  private final StoreResolver resolver;
  private final Predicate<String> handedOverOnly;

  /**
   * @param handedOverOnly whether groups placed on a Destination go to request-intake only, not to
   *     its state store (platform Destinations when platform commits are off)
   */
  SegmentPlanner(
      DestinationTable destinations,
      PlacementTable placements,
      StoreResolver resolver,
      Predicate<String> handedOverOnly) {
    this.destinations = destinations;
    this.placements = placements;
    this.resolver = resolver;
    this.handedOverOnly = handedOverOnly;
  }

  /**
   * Plans an upsert into {@code segment}; null when the Work is refused (a rejection in the
   * segment) or skipped as an older generation than one already placed.
   */
  UpsertPlan planUpsert(Command.Upsert command, SegmentPlan segment) {
    Work work = command.work();
    WorkMdc.put(work.key(), work.generation(), work.pipeline());
    try {
      String invalid = WorkValidation.invalidReason(work);
      if (invalid != null) {
        reject(command, invalid, segment);
        return null;
      }
      long placed = placedGeneration(work.identity());
      if (placed > work.generation()) {
        // Placement records are durable before the write, so a newer generation's record means
        // that generation follows this one, uncommitted, in the same partition: this is a redo of
        // a batch an instance killed mid-way had written. Writing this older version again would
        // roll the branch back for a moment, and a GitOps agent would apply the rollback.
        LOG.infof(
            "Work %s generation %d skipped: generation %d of it is already placed and follows",
            work.identity(), work.generation(), placed);
        return null;
      }
      Map<String, Set<String>> before = placements.destinationsOf(work.identity());
      Schedule schedule = Scheduler.schedule(work, destinations.destinations(), before);
      UpsertPlan plan = new UpsertPlan(work, schedule);
      // Planned apart first: a Work found unwritable leaves nothing in the segment.
      Map<String, StoreBatch> planned = new LinkedHashMap<>();
      Set<String> groupIds = new LinkedHashSet<>();
      for (WorkloadGroup group : work.workloadGroups()) {
        groupIds.add(group.id());
        Set<String> targetNames = new TreeSet<>();
        List<String> misplaced = new ArrayList<>();
        boolean keepWorkloads = false;
        for (Target target : schedule.targets()) {
          if (!target.workloadGroupId().equals(group.id())) {
            continue;
          }
          targetNames.add(target.destination());
          if (target.misplaced()) {
            misplaced.add(target.destination());
          }
          keepWorkloads |= resolver.aggregates(target.destination());
          if (handedOverOnly.test(target.destination())) {
            plan.handedOver.add(target);
            continue;
          }
          ResolvedStore store;
          try {
            store = resolver.resolve(target.destination());
          } catch (StoreProblem e) {
            plan.failures.put(target.destination(), e.getMessage());
            continue;
          }
          String name =
              CommitMessage.placementName(
                  work.key(), work.workType(), work.pipeline(), target.destination(), group.id());
          StoreBatch batch =
              planned.computeIfAbsent(store.storeId(), id -> new StoreBatch(store.writer()));
          List<String> paths = planWrite(store, work, group, target.destination(), batch);
          batch.updates.add(name);
          batch.failureSubjects.add(
              new WorkFailed(
                  work.key(), work.generation(), work.pipeline(), target.destination(), null));
          plan.written.add(new Written(target, store.storeId(), paths));
        }
        if (!targetNames.isEmpty()) {
          PlacementRecord record =
              PlacementRecord.of(work, group, List.copyOf(targetNames), misplaced, keepWorkloads);
          if (!record.equals(placements.placement(work.identity(), group.id()).orElse(null))) {
            plan.records.add(record);
          }
        }
      }
      // Groups the pipeline no longer produces leave their Destinations (Kratix deletes their
      // WorkPlacements). Their records go once the files are gone.
      Set<String> dropped = new LinkedHashSet<>();
      for (Map.Entry<String, Set<String>> old : before.entrySet()) {
        if (groupIds.contains(old.getKey())) {
          continue;
        }
        PlacementRecord record = placements.placement(work.identity(), old.getKey()).orElse(null);
        if (record == null) {
          continue;
        }
        plan.droppedGroups.add(record);
        dropped.add(record.recordKey());
        for (String destination : old.getValue()) {
          if (handedOverOnly.test(destination)) {
            continue;
          }
          try {
            ResolvedStore store = resolver.resolve(destination);
            StoreBatch batch =
                planned.computeIfAbsent(store.storeId(), id -> new StoreBatch(store.writer()));
            planRemoval(store, record, destination, Scope.GROUP, batch);
            batch.deletes.add(
                CommitMessage.placementName(
                    work.key(), work.workType(), work.pipeline(), destination, old.getKey()));
            plan.droppedStores.add(store.storeId());
          } catch (StoreProblem e) {
            LOG.debugf("Stale group %s on %s left alone: %s", old.getKey(), destination, e);
          }
        }
      }
      SpanContext traced = Span.current().getSpanContext();
      planned.forEach(
          (id, batch) -> {
            StoreBatch shared =
                segment.stores.computeIfAbsent(id, k -> new StoreBatch(batch.writer));
            shared.absorb(batch);
            shared.carries(traced);
          });
      Span.current().setAttribute("pledge.destinations", (long) schedule.targets().size());
      segment.leaving.addAll(dropped);
      return plan;
    } catch (IllegalArgumentException e) {
      // EscapingPathException among them: the Work names a path outside its folder.
      reject(command, e.getMessage(), segment);
      return null;
    } finally {
      WorkMdc.clear();
    }
  }

  /** The newest generation among a Work's placement records; 0 when it has none. */
  private long placedGeneration(String identity) {
    return placements.placementsOf(identity).stream()
        .mapToLong(PlacementRecord::generation)
        .max()
        .orElse(0);
  }

  /**
   * Adds the changes that write one group on one Destination, by the Destination's filepath mode.
   *
   * @return the files written, relative to the store root
   */
  private List<String> planWrite(
      ResolvedStore store, Work work, WorkloadGroup group, String destination, StoreBatch batch) {
    switch (store.mode()) {
      case Destination.AGGREGATED_YAML -> {
        batch.aggregated.put(destination, store);
        return List.of(store.aggregatedFile());
      }
      case Destination.NONE -> {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Workload workload : group.workloads()) {
          files.put(StateStoreLayout.file(store.root(), workload.filepath()), workload.bytes());
        }
        String stateFile =
            StateStoreLayout.stateFile(
                store.root(),
                StateStoreLayout.placementNamespace(work.workType(), work.resourceNamespace()),
                StateStoreLayout.workPlacementName(
                    work.key(),
                    work.workType(),
                    work.promise(),
                    work.resourceName(),
                    work.pipeline(),
                    destination,
                    group.id()));
        batch.changes.add(new FolderChange.ReplaceListed(stateFile, store.storePath(), files));
        return List.copyOf(files.keySet());
      }
      default -> {
        String folder = StateStoreLayout.groupFolder(store.root(), work, group.id());
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Workload workload : group.workloads()) {
          files.put(StateStoreLayout.file(folder, workload.filepath()), workload.bytes());
        }
        batch.changes.add(new FolderChange.ReplaceFolder(folder, files));
        return List.copyOf(files.keySet());
      }
    }
  }

  /**
   * Adds the changes that remove one placement's files from one Destination.
   *
   * @param scope how much of the nestedByMetadata folders goes
   * @return what was removed: the folder, the state file or the aggregate file
   */
  private String planRemoval(
      ResolvedStore store,
      PlacementRecord record,
      String destination,
      Scope scope,
      StoreBatch batch) {
    switch (store.mode()) {
      case Destination.AGGREGATED_YAML -> {
        batch.aggregated.put(destination, store);
        return store.aggregatedFile();
      }
      case Destination.NONE -> {
        String stateFile =
            StateStoreLayout.stateFile(
                store.root(),
                StateStoreLayout.placementNamespace(record.workType(), record.resourceNamespace()),
                record.workPlacementName(destination));
        batch.changes.add(new FolderChange.RemoveListed(stateFile, store.storePath()));
        return stateFile;
      }
      default -> {
        String folder = nestedFolder(store.root(), record, scope);
        boolean seen =
            batch.changes.stream()
                .anyMatch(c -> c instanceof FolderChange.RemoveFolder && c.path().equals(folder));
        if (!seen) {
          batch.changes.add(new FolderChange.RemoveFolder(folder));
        }
        return folder;
      }
    }
  }

  /** Plans a withdrawal into {@code segment}: the placements it ends and their files' removal. */
  WithdrawPlan planWithdraw(WorkWithdrawn withdrawn, SegmentPlan segment) {
    WorkMdc.put(withdrawn.key(), withdrawn.generation(), null);
    try {
      WithdrawPlan plan = new WithdrawPlan(withdrawn);
      boolean all = withdrawn.pipelines() == null || withdrawn.pipelines().isEmpty();
      for (PlacementRecord record : placements.placementsOfKey(withdrawn.key())) {
        if (!withdraws(withdrawn, record.workType(), record.pipeline())) {
          continue;
        }
        plan.records.add(record);
        segment.leaving.add(record.recordKey());
        for (String destination : record.destinations()) {
          if (handedOverOnly.test(destination)) {
            continue;
          }
          ResolvedStore store;
          try {
            store = resolver.resolve(destination);
          } catch (StoreProblem e) {
            LOG.infof("Nothing to remove on %s for %s: %s", destination, record.identity(), e);
            continue;
          }
          StoreBatch batch = segment.batch(store);
          batch.carries(Span.current().getSpanContext());
          String removed;
          try {
            removed =
                planRemoval(store, record, destination, all ? Scope.KEY : Scope.PIPELINE, batch);
          } catch (IllegalArgumentException e) {
            LOG.warnf("Cannot find the files of %s: %s", record.identity(), e.getMessage());
            continue;
          }
          batch.deletes.add(
              CommitMessage.placementName(
                  record.key(),
                  record.workType(),
                  record.pipeline(),
                  destination,
                  record.workloadGroupId()));
          batch.failureSubjects.add(
              new WorkFailed(
                  withdrawn.key(), withdrawn.generation(), record.pipeline(), destination, null));
          plan.removed.add(
              new Written(
                  new Target(record.workloadGroupId(), destination, false),
                  store.storeId(),
                  List.of(removed)));
        }
      }
      return plan;
    } finally {
      WorkMdc.clear();
    }
  }

  /** Whether a withdrawal covers Works of {@code workType} and {@code pipeline}. */
  static boolean withdraws(WorkWithdrawn withdrawn, String workType, String pipeline) {
    boolean all = withdrawn.pipelines() == null || withdrawn.pipelines().isEmpty();
    // Each type is withdrawn on its own: a deleted Promise gets one withdrawal per type.
    boolean pipelineMatches = all || withdrawn.pipelines().contains(pipeline);
    String type = withdrawn.workType();
    if (type == null) {
      return pipelineMatches;
    }
    return type.equals(workType) && pipelineMatches;
  }

  /** How much of a Work's nestedByMetadata folders a removal takes away. */
  private enum Scope {
    /** One group's {@code <id5>} folder: a group the pipeline no longer produces. */
    GROUP,
    /** The pipeline's folder: a withdrawal of listed pipelines, or of a promise-level Work. */
    PIPELINE,
    /** The request's whole folder: a resource withdrawn with all its pipelines. */
    KEY
  }

  /** The nestedByMetadata folder a removal takes away. */
  private static String nestedFolder(String root, PlacementRecord record, Scope scope) {
    String id5 = StateStoreLayout.shortId(record.workloadGroupId());
    if (Work.RESOURCE.equals(record.workType())) {
      ResourceKey key =
          record.resourceNamespace() != null && record.resourceName() != null
              ? new ResourceKey(record.resourceNamespace(), record.promise(), record.resourceName())
              : ResourceKey.parse(record.key());
      return switch (scope) {
        case KEY -> StateStoreLayout.resourceFolder(root, key);
        case PIPELINE -> StateStoreLayout.resourcePipelineFolder(root, key, record.pipeline());
        case GROUP ->
            StateStoreLayout.join(
                StateStoreLayout.resourcePipelineFolder(root, key, record.pipeline()), id5);
      };
    }
    if (record.pipeline() == null) {
      return StateStoreLayout.join(StateStoreLayout.promiseFolder(root, record.promise()), id5);
    }
    String pipelineFolder =
        StateStoreLayout.promisePipelineFolder(root, record.promise(), record.pipeline());
    return scope == Scope.GROUP ? StateStoreLayout.join(pipelineFolder, id5) : pipelineFolder;
  }

  /** A Work no Destination can take: refused once the segment is planned, in command order. */
  private static void reject(Command.Upsert command, String reason, SegmentPlan segment) {
    LOG.warnf("Rejected Work: %s", reason);
    segment.rejections.add(new SegmentPlan.Rejection(command, reason, Span.current()));
  }
}
