package io.pledge.writer.batch;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.Destination;
import io.pledge.contract.work.Placement;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkCommitted;
import io.pledge.contract.work.WorkFailed;
import io.pledge.contract.work.WorkRemoved;
import io.pledge.contract.work.WorkScheduled;
import io.pledge.contract.work.WorkWithdrawn;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.git.FolderChange;
import io.pledge.writer.git.GitStateStore;
import io.pledge.writer.git.GitStateStores;
import io.pledge.writer.git.StateStoreException;
import io.pledge.writer.layout.EscapingPathException;
import io.pledge.writer.layout.StateStoreLayout;
import io.pledge.writer.scheduling.PlacementRecord;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.scheduling.RememberedWork;
import io.pledge.writer.scheduling.Schedule;
import io.pledge.writer.scheduling.Scheduler;
import io.pledge.writer.scheduling.Target;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Turns a batch of Work commands into at most one commit per state store, and reports the outcome.
 * See the module's DESIGN.md for the ordering, batching and retry rules.
 */
public final class CommitBatcher {

  private static final Logger LOG = Logger.getLogger(CommitBatcher.class);

  /** Waits between two attempts at a failed write, keeping the consumer alive. */
  @FunctionalInterface
  public interface Pause {
    void pause(Duration duration) throws BatchAbandonedException;
  }

  static final String CANARY_NAMESPACE =
      "apiVersion: v1\n" + "kind: Namespace\n" + "metadata:\n" + "  name: kratix-worker-system\n";
  static final String CANARY_CONFIGMAP =
      "apiVersion: v1\n"
          + "kind: ConfigMap\n"
          + "metadata:\n"
          + "  name: kratix-info\n"
          + "  namespace: kratix-worker-system\n"
          + "data:\n"
          + "  canary: this confirms your infrastructure is reading from Kratix state stores\n";

  private final DestinationTable destinations;
  private final PlacementTable placements;
  private final GitStateStores gitStores;
  private final Outbox outbox;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  public CommitBatcher(
      DestinationTable destinations,
      PlacementTable placements,
      GitStateStores gitStores,
      Outbox outbox,
      Duration initialBackoff,
      Duration maxBackoff) {
    this.destinations = destinations;
    this.placements = placements;
    this.gitStores = gitStores;
    this.outbox = outbox;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  /**
   * Processes {@code commands} in order: each segment (see {@link #segments}) becomes at most one
   * commit per state store. Returns once every effect is durable: files pushed, events and
   * placement records acknowledged.
   *
   * @throws BatchAbandonedException when told to stop while a write was being retried
   */
  public void process(List<Command> commands, Pause pause) throws BatchAbandonedException {
    for (List<Command> segment : segments(commands)) {
      processSegment(segment, pause);
    }
  }

  /**
   * Splits commands where one would touch what an earlier one of the same segment touched (the same
   * Work, or a withdrawn key), so that a commit never holds two versions of one folder and each
   * Work's files are in the commit its event names.
   */
  public static List<List<Command>> segments(List<Command> commands) {
    List<List<Command>> segments = new ArrayList<>();
    List<Command> current = new ArrayList<>();
    Set<String> identities = new HashSet<>();
    Set<String> keys = new HashSet<>();
    Set<String> withdrawnKeys = new HashSet<>();
    for (Command command : commands) {
      boolean conflict;
      if (command instanceof Command.Upsert upsert) {
        conflict =
            identities.contains(upsert.work().identity()) || withdrawnKeys.contains(command.key());
      } else {
        conflict = keys.contains(command.key());
      }
      if (conflict) {
        segments.add(current);
        current = new ArrayList<>();
        identities.clear();
        keys.clear();
        withdrawnKeys.clear();
      }
      current.add(command);
      keys.add(command.key());
      if (command instanceof Command.Upsert upsert) {
        identities.add(upsert.work().identity());
      } else {
        withdrawnKeys.add(command.key());
      }
    }
    if (!current.isEmpty()) {
      segments.add(current);
    }
    return segments;
  }

  /**
   * Whether a remembered Work could now be placed differently: a group found a Destination, a
   * promise-level Work has a new matching Destination, or its last write failed.
   */
  public boolean needsReevaluation(RememberedWork remembered) {
    if (RememberedWork.FAILED.equals(remembered.state())) {
      return true;
    }
    Work work = remembered.work();
    Map<String, Set<String>> before = placements.destinationsOf(work.identity());
    Schedule schedule = Scheduler.schedule(work, destinations.destinations(), before);
    Map<String, Set<String>> now = new LinkedHashMap<>();
    for (Target target : schedule.targets()) {
      now.computeIfAbsent(target.workloadGroupId(), g -> new TreeSet<>()).add(target.destination());
    }
    return !now.equals(before);
  }

  /**
   * Writes the canary files of a Destination (Kratix's init workloads) if they are not there yet.
   *
   * @return false when the write failed and should be tried again later
   */
  public boolean writeCanary(String destinationName) {
    Destination destination = destinations.destination(destinationName).orElse(null);
    if (destination == null) {
      return true;
    }
    if (destination.spec() != null
        && destination.spec().initWorkloads() != null
        && Boolean.FALSE.equals(destination.spec().initWorkloads().enabled())) {
      return true;
    }
    try {
      Resolved store = resolve(destinationName);
      List<String> files = StateStoreLayout.canaryFiles(store.root());
      List<FolderChange> changes =
          List.of(
              new FolderChange.PutFile(
                  files.get(0), CANARY_NAMESPACE.getBytes(StandardCharsets.UTF_8)),
              new FolderChange.PutFile(
                  files.get(1), CANARY_CONFIGMAP.getBytes(StandardCharsets.UTF_8)));
      GitStateStore.WriteResult result = store.writer().write(changes, CommitMessage.CANARY);
      LOG.infof(
          "Canary files of Destination %s are in %s at %s",
          destinationName, store.storeId(), result.sha());
      return true;
    } catch (StoreProblem e) {
      LOG.debugf("No canary files for Destination %s: %s", destinationName, e.getMessage());
      return !e.waitForStore;
    } catch (StateStoreException e) {
      LOG.warnf(
          "Canary files of Destination %s not written yet: %s", destinationName, e.getMessage());
      return !e.isTransient();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void processSegment(List<Command> segment, Pause pause) throws BatchAbandonedException {
    Map<String, StoreBatch> stores = new LinkedHashMap<>();
    List<UpsertPlan> upserts = new ArrayList<>();
    List<WithdrawPlan> withdrawals = new ArrayList<>();
    for (Command command : segment) {
      if (command instanceof Command.Upsert upsert) {
        UpsertPlan plan = planUpsert(upsert, stores);
        if (plan != null) {
          upserts.add(plan);
        }
      } else if (command instanceof Command.Withdraw withdraw) {
        withdrawals.add(planWithdraw(withdraw.withdrawn(), stores));
      }
    }

    // Decisions are durable before any file moves, so a redo finds the same placements.
    for (UpsertPlan plan : upserts) {
      plan.records.forEach(r -> outbox.placement(r.recordKey(), PlacementTable.json(r)));
      plan.droppedGroups.forEach(
          g -> outbox.placement(PlacementRecord.recordKey(plan.work.identity(), g), null));
      outbox.status(EventType.WORK_SCHEDULED, plan.work.key(), scheduled(plan));
    }
    outbox.flush();

    for (StoreBatch batch : stores.values()) {
      write(batch, pause);
    }

    for (UpsertPlan plan : upserts) {
      report(plan, stores);
    }
    for (WithdrawPlan plan : withdrawals) {
      report(plan, stores);
    }
    outbox.flush();
  }

  private UpsertPlan planUpsert(Command.Upsert command, Map<String, StoreBatch> stores) {
    Work work = command.work();
    putMdc(work.key(), work.generation(), work.pipeline());
    try {
      String invalid = invalidReason(work);
      if (invalid != null) {
        reject(command, invalid);
        return null;
      }
      Map<String, Set<String>> before = placements.destinationsOf(work.identity());
      Schedule schedule = Scheduler.schedule(work, destinations.destinations(), before);
      UpsertPlan plan = new UpsertPlan(work, schedule);
      Map<String, StoreBatch> planned = new LinkedHashMap<>();
      Set<String> groupIds = new LinkedHashSet<>();
      for (WorkloadGroup group : work.workloadGroups()) {
        groupIds.add(group.id());
        Set<String> targetNames = new TreeSet<>();
        for (Target target : schedule.targets()) {
          if (!target.workloadGroupId().equals(group.id())) {
            continue;
          }
          targetNames.add(target.destination());
          Resolved store;
          try {
            store = resolve(target.destination());
          } catch (StoreProblem e) {
            plan.failures.put(target.destination(), e.getMessage());
            continue;
          }
          String folder = StateStoreLayout.groupFolder(store.root(), work, group.id());
          Map<String, byte[]> files = new LinkedHashMap<>();
          for (Workload workload : group.workloads()) {
            files.put(StateStoreLayout.file(folder, workload.filepath()), workload.bytes());
          }
          String name =
              CommitMessage.placementName(
                  work.key(), work.workType(), work.pipeline(), target.destination(), group.id());
          StoreBatch batch = planned.computeIfAbsent(store.storeId(), id -> new StoreBatch(store));
          batch.changes.add(new FolderChange.ReplaceFolder(folder, files));
          batch.updates.add(name);
          batch.failureSubjects.add(
              new WorkFailed(
                  work.key(), work.generation(), work.pipeline(), target.destination(), null));
          plan.written.add(new Written(target, store.storeId(), List.copyOf(files.keySet()), name));
        }
        if (!targetNames.isEmpty()
            && !targetNames.equals(before.getOrDefault(group.id(), Set.of()))) {
          plan.records.add(PlacementRecord.of(work, group.id(), List.copyOf(targetNames)));
        }
      }
      // Groups the pipeline no longer produces leave their Destinations (Kratix deletes their
      // WorkPlacements).
      for (Map.Entry<String, Set<String>> old : before.entrySet()) {
        if (groupIds.contains(old.getKey())) {
          continue;
        }
        plan.droppedGroups.add(old.getKey());
        for (String destination : old.getValue()) {
          try {
            Resolved store = resolve(destination);
            String folder = StateStoreLayout.groupFolder(store.root(), work, old.getKey());
            StoreBatch batch =
                planned.computeIfAbsent(store.storeId(), id -> new StoreBatch(store));
            batch.changes.add(new FolderChange.RemoveFolder(folder));
            batch.deletes.add(
                CommitMessage.placementName(
                    work.key(), work.workType(), work.pipeline(), destination, old.getKey()));
          } catch (StoreProblem e) {
            LOG.debugf("Stale group %s on %s left alone: %s", old.getKey(), destination, e);
          }
        }
      }
      planned.forEach(
          (id, batch) -> {
            StoreBatch shared = stores.computeIfAbsent(id, k -> new StoreBatch(batch.store));
            shared.changes.addAll(batch.changes);
            shared.updates.addAll(batch.updates);
            shared.deletes.addAll(batch.deletes);
            shared.failureSubjects.addAll(batch.failureSubjects);
          });
      return plan;
    } catch (IllegalArgumentException e) {
      // EscapingPathException among them: the Work names a path outside its folder.
      reject(command, e.getMessage());
      return null;
    } finally {
      clearMdc();
    }
  }

  private WithdrawPlan planWithdraw(WorkWithdrawn withdrawn, Map<String, StoreBatch> stores) {
    putMdc(withdrawn.key(), withdrawn.generation(), null);
    try {
      WithdrawPlan plan = new WithdrawPlan(withdrawn);
      boolean all = withdrawn.pipelines() == null || withdrawn.pipelines().isEmpty();
      for (PlacementRecord record : placements.placementsOfKey(withdrawn.key())) {
        if (!withdraws(withdrawn, record.workType(), record.pipeline())) {
          continue;
        }
        plan.records.add(record);
        for (String destination : record.destinations()) {
          Resolved store;
          try {
            store = resolve(destination);
          } catch (StoreProblem e) {
            LOG.infof("Nothing to remove on %s for %s: %s", destination, record.identity(), e);
            continue;
          }
          String folder;
          try {
            folder = withdrawnFolder(store.root(), record, all);
          } catch (IllegalArgumentException e) {
            LOG.warnf("Cannot find the folder of %s: %s", record.identity(), e.getMessage());
            continue;
          }
          StoreBatch batch = stores.computeIfAbsent(store.storeId(), id -> new StoreBatch(store));
          boolean seen =
              batch.changes.stream()
                  .anyMatch(c -> c instanceof FolderChange.RemoveFolder && c.path().equals(folder));
          if (!seen) {
            batch.changes.add(new FolderChange.RemoveFolder(folder));
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
                  List.of(folder),
                  null));
        }
      }
      return plan;
    } finally {
      clearMdc();
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

  private static String withdrawnFolder(String root, PlacementRecord record, boolean all) {
    if (Work.RESOURCE.equals(record.workType())) {
      ResourceKey key =
          record.resourceNamespace() != null && record.resourceName() != null
              ? new ResourceKey(record.resourceNamespace(), record.promise(), record.resourceName())
              : ResourceKey.parse(record.key());
      return all
          ? StateStoreLayout.resourceFolder(root, key)
          : StateStoreLayout.resourcePipelineFolder(root, key, record.pipeline());
    }
    if (record.pipeline() == null) {
      return StateStoreLayout.promiseFolder(root, record.promise())
          + "/"
          + StateStoreLayout.shortId(record.workloadGroupId());
    }
    return StateStoreLayout.promisePipelineFolder(root, record.promise(), record.pipeline());
  }

  /** Writes one store's changes, retrying transient failures until they succeed or we stop. */
  private void write(StoreBatch batch, Pause pause) throws BatchAbandonedException {
    String message = CommitMessage.of(batch.updates, batch.deletes);
    Duration backoff = initialBackoff;
    boolean reported = false;
    while (true) {
      try {
        GitStateStore.WriteResult result = batch.store.writer().write(batch.changes, message);
        batch.sha = result.sha();
        if (result.committed()) {
          LOG.infof(
              "Committed %d placement(s) to %s as %s",
              batch.updates.size() + batch.deletes.size(), batch.store.storeId(), result.sha());
        } else {
          LOG.debugf("%s already holds the content at %s", batch.store.storeId(), result.sha());
        }
        if (reported) {
          LOG.infof("%s is writable again", batch.store.storeId());
        }
        return;
      } catch (StateStoreException e) {
        if (!e.isTransient()) {
          batch.failure = e.getMessage();
          return;
        }
        if (!reported) {
          for (WorkFailed subject : batch.failureSubjects) {
            outbox.status(
                EventType.WORK_FAILED,
                subject.key(),
                new WorkFailed(
                    subject.key(),
                    subject.generation(),
                    subject.pipeline(),
                    subject.destination(),
                    e.getMessage()));
          }
          outbox.flush();
          reported = true;
        }
        LOG.warnf(
            "Writing to %s failed, retrying in %d ms: %s",
            batch.store.storeId(), backoff.toMillis(), e.getMessage());
        pause.pause(backoff);
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
      }
    }
  }

  private void report(UpsertPlan plan, Map<String, StoreBatch> stores) {
    Work work = plan.work;
    putMdc(work.key(), work.generation(), work.pipeline());
    try {
      Map<String, String> failures = new LinkedHashMap<>(plan.failures);
      List<Placement> committed = new ArrayList<>();
      for (Written written : plan.written) {
        StoreBatch batch = stores.get(written.storeId());
        if (batch.failure != null) {
          failures.put(written.target().destination(), batch.failure);
        } else {
          committed.add(placement(written, batch.sha));
        }
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
      clearMdc();
    }
  }

  private void report(WithdrawPlan plan, Map<String, StoreBatch> stores) {
    WorkWithdrawn withdrawn = plan.withdrawn;
    putMdc(withdrawn.key(), withdrawn.generation(), null);
    try {
      List<Placement> removed = new ArrayList<>();
      for (Written written : plan.removed) {
        StoreBatch batch = stores.get(written.storeId());
        if (batch.failure != null) {
          LOG.warnf(
              "Files of %s stay on %s: %s",
              withdrawn.key(), written.target().destination(), batch.failure);
          continue;
        }
        removed.add(placement(written, batch.sha));
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
            && withdraws(withdrawn, work.workType(), work.pipeline())) {
          outbox.placement(remembered.recordKey(), null);
        }
      }
    } finally {
      clearMdc();
    }
  }

  private Placement placement(Written written, String sha) {
    return new Placement(
        written.target().destination(),
        written.target().workloadGroupId(),
        written.storeId(),
        sha,
        written.paths(),
        written.target().misplaced());
  }

  private WorkScheduled scheduled(UpsertPlan plan) {
    List<Placement> scheduled = new ArrayList<>();
    for (Target target : plan.schedule.targets()) {
      String store = storeIdOf(target.destination());
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

  private void reject(Command command, String reason) {
    Work work = ((Command.Upsert) command).work();
    LOG.warnf("Rejected Work: %s", reason);
    outbox.status(
        EventType.WORK_FAILED,
        work.key(),
        new WorkFailed(work.key(), work.generation(), work.pipeline(), null, reason));
    if (command.source() != null) {
      outbox.deadLetter(command.source(), reason);
    }
  }

  /** What makes a Work impossible to write, whatever the Destinations; null when it is fine. */
  static String invalidReason(Work work) {
    if (work.key() == null || work.key().isBlank()) {
      return "Work without a key";
    }
    if (!Work.RESOURCE.equals(work.workType())
        && !Work.PROMISE.equals(work.workType())
        && !Work.STATIC_DEPENDENCY.equals(work.workType())) {
      return "unknown workType " + work.workType();
    }
    if (work.promise() == null || work.promise().isBlank()) {
      return "Work without a promise";
    }
    if (!Work.STATIC_DEPENDENCY.equals(work.workType()) && work.pipeline() == null) {
      return work.workType() + " Work without a pipeline";
    }
    if (work.workloadGroups() == null) {
      return "Work without workloadGroups";
    }
    Set<String> ids = new HashSet<>();
    for (WorkloadGroup group : work.workloadGroups()) {
      if (group.id() == null || group.id().length() < 5 || !ids.add(group.id())) {
        return "workload group with a missing, short or repeated id: " + group.id();
      }
      if (group.workloads() == null) {
        return "workload group " + group.id() + " without workloads";
      }
      for (Workload workload : group.workloads()) {
        if (workload.content() == null) {
          return "workload " + workload.filepath() + " without content";
        }
        try {
          workload.bytes();
        } catch (RuntimeException e) {
          return "workload " + workload.filepath() + " is not base64 of gzip: " + e.getMessage();
        }
      }
    }
    return null;
  }

  private String storeIdOf(String destinationName) {
    return destinations
        .destination(destinationName)
        .map(Destination::spec)
        .map(Destination.Spec::stateStoreRef)
        .map(ref -> ref.kind() + "/" + ref.name())
        .orElse(null);
  }

  /** The state store a Destination writes into, and its folder there. */
  private Resolved resolve(String destinationName) throws StoreProblem {
    Destination destination =
        destinations
            .destination(destinationName)
            .orElseThrow(
                () -> new StoreProblem("Destination " + destinationName + " not found", false));
    Destination.StateStoreRef ref =
        destination.spec() == null ? null : destination.spec().stateStoreRef();
    if (ref == null || ref.name() == null) {
      throw new StoreProblem("Destination " + destinationName + " has no stateStoreRef", true);
    }
    if (!Destination.NESTED_BY_METADATA.equals(destination.filepathMode())) {
      throw new StoreProblem(
          "filepath mode " + destination.filepathMode() + " is not supported yet", true);
    }
    String storeId = ref.kind() + "/" + ref.name();
    if (!"GitStateStore".equals(ref.kind())) {
      throw new StoreProblem(storeId + " is not supported yet (only GitStateStore)", true);
    }
    io.pledge.contract.kratix.GitStateStore document =
        destinations
            .gitStore(ref.name())
            .orElseThrow(() -> new StoreProblem(storeId + " not found", true));
    String destinationPath =
        destination.spec().path() == null || destination.spec().path().isBlank()
            ? destinationName
            : destination.spec().path();
    String root;
    try {
      root =
          StateStoreLayout.destinationRoot(
              document.spec() == null ? null : document.spec().path(), destinationPath);
    } catch (EscapingPathException e) {
      throw new StoreProblem("Destination " + destinationName + ": " + e.getMessage(), true);
    }
    GitStateStore writer;
    try {
      writer = gitStores.store(document);
    } catch (StateStoreException e) {
      throw new StoreProblem(e.getMessage(), true);
    }
    return new Resolved(storeId, root, writer);
  }

  private static void putMdc(String key, long generation, String pipeline) {
    MDC.put("key", key);
    MDC.put("generation", String.valueOf(generation));
    if (pipeline != null) {
      MDC.put("pipeline", pipeline);
    } else {
      MDC.remove("pipeline");
    }
  }

  private static void clearMdc() {
    MDC.remove("key");
    MDC.remove("generation");
    MDC.remove("pipeline");
  }

  // ---------------------------------------------------------------------------------------------

  private record Resolved(String storeId, String root, GitStateStore writer) {}

  /** A Destination whose state store cannot be used (missing, unsupported). */
  private static final class StoreProblem extends Exception {
    /** True when the Destination waits for a store that may appear or change. */
    final boolean waitForStore;

    StoreProblem(String message, boolean waitForStore) {
      super(message);
      this.waitForStore = waitForStore;
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }

  /** A group written (or removed) on one Destination. */
  private record Written(Target target, String storeId, List<String> paths, String name) {}

  private static final class StoreBatch {
    final Resolved store;
    final List<FolderChange> changes = new ArrayList<>();
    final List<String> updates = new ArrayList<>();
    final List<String> deletes = new ArrayList<>();
    final List<WorkFailed> failureSubjects = new ArrayList<>();
    String sha;
    String failure;

    StoreBatch(Resolved store) {
      this.store = Objects.requireNonNull(store);
    }
  }

  private static final class UpsertPlan {
    final Work work;
    final Schedule schedule;
    final List<Written> written = new ArrayList<>();
    final Map<String, String> failures = new LinkedHashMap<>();
    final List<PlacementRecord> records = new ArrayList<>();
    final List<String> droppedGroups = new ArrayList<>();

    UpsertPlan(Work work, Schedule schedule) {
      this.work = work;
      this.schedule = schedule;
    }
  }

  private static final class WithdrawPlan {
    final WorkWithdrawn withdrawn;
    final List<PlacementRecord> records = new ArrayList<>();
    final List<Written> removed = new ArrayList<>();

    WithdrawPlan(WorkWithdrawn withdrawn) {
      this.withdrawn = withdrawn;
    }
  }
}
