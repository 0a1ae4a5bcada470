package io.pledge.writer.batch;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.BucketStateStore;
import io.pledge.contract.kratix.Destination;
import io.pledge.contract.kratix.GitStateStore;
import io.pledge.contract.work.ComponentSet;
import io.pledge.contract.work.Placement;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkCommitted;
import io.pledge.contract.work.WorkFailed;
import io.pledge.contract.work.WorkRemoved;
import io.pledge.contract.work.WorkScheduled;
import io.pledge.contract.work.WorkWithdrawn;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.kafka.tracing.TraceScope;
import io.pledge.writer.compound.ComponentSets;
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.layout.EscapingPathException;
import io.pledge.writer.layout.StateStoreLayout;
import io.pledge.writer.scheduling.PlacementRecord;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.scheduling.RememberedWork;
import io.pledge.writer.scheduling.Schedule;
import io.pledge.writer.scheduling.Scheduler;
import io.pledge.writer.scheduling.Target;
import io.pledge.writer.store.ContendedWriteException;
import io.pledge.writer.store.FolderChange;
import io.pledge.writer.store.StateStore;
import io.pledge.writer.store.StateStoreException;
import io.pledge.writer.store.StateStores;
import io.pledge.writer.telemetry.WriterTelemetry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Turns a batch of Work commands into at most one write (one commit) per state store, and reports
 * the outcome. See the module's DESIGN.md for the ordering, batching and retry rules.
 */
public final class CommitBatcher {

  private static final Logger LOG = Logger.getLogger(CommitBatcher.class);
  private static final byte[] AGGREGATE_SEPARATOR = "\n---\n".getBytes(StandardCharsets.UTF_8);

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

  /** The pause before a write that other writers kept out is tried again. */
  private static final Duration CONTENDED_PAUSE = Duration.ofMillis(200);

  private final DestinationTable destinations;
  private final PlacementTable placements;
  private final StateStores stores;
  private final Outbox outbox;

  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final WriterTelemetry telemetry;
  private boolean platformCommits = true;

  public CommitBatcher(
      DestinationTable destinations,
      PlacementTable placements,
      StateStores stores,
      Outbox outbox,
      Duration initialBackoff,
      Duration maxBackoff) {
    this(
        destinations, placements, stores, outbox, initialBackoff, maxBackoff, WriterTelemetry.NONE);
  }

  /**
   * @param telemetry traces each Work and each write, times the writes, tells the stores' health
   */
  public CommitBatcher(
      DestinationTable destinations,
      PlacementTable placements,
      StateStores stores,
      Outbox outbox,
      Duration initialBackoff,
      Duration maxBackoff,
      WriterTelemetry telemetry) {
    this.telemetry = telemetry;
    this.destinations = destinations;
    this.placements = placements;
    this.stores = stores;
    this.outbox = outbox;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  /**
   * Compound Promises: whether a group placed on a platform Destination is also committed to its
   * state store (a record of what was asked, as Kratix's platform Destination holds it), or only
   * handed to request-intake. Set once, before the first batch.
   */
  public CommitBatcher platformCommits(boolean commit) {
    this.platformCommits = commit;
    return this;
  }

  /** A platform Destination whose groups go to request-intake only, not to a state store. */
  private boolean handedOverOnly(String destination) {
    return !platformCommits && platform(destination);
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
   */
  public Canary writeCanary(String destinationName) {
    Destination destination = destinations.destination(destinationName).orElse(null);
    if (destination == null) {
      return Canary.noStore("Destination " + destinationName + " not found", true);
    }
    if (destination.spec() != null
        && destination.spec().initWorkloads() != null
        && Boolean.FALSE.equals(destination.spec().initWorkloads().enabled())) {
      return Canary.notWanted();
    }
    try {
      Resolved store = resolve(destinationName);
      List<String> files = StateStoreLayout.canaryFiles(store.root(), store.mode());
      List<FolderChange> changes =
          List.of(
              new FolderChange.PutFile(
                  files.get(0), CANARY_NAMESPACE.getBytes(StandardCharsets.UTF_8)),
              new FolderChange.PutFile(
                  files.get(1), CANARY_CONFIGMAP.getBytes(StandardCharsets.UTF_8)));
      StateStore.WriteResult result;
      try {
        result = store.writer().write(changes, CommitMessage.CANARY);
      } catch (StateStoreException e) {
        telemetry.canary(store.storeId(), e.getMessage());
        throw e;
      }
      telemetry.canary(store.storeId(), null);
      LOG.infof(
          "Canary files of Destination %s are in %s at %s",
          destinationName, store.storeId(), result.version());
      return Canary.written();
    } catch (StoreProblem e) {
      LOG.debugf("No canary files for Destination %s: %s", destinationName, e.getMessage());
      return Canary.noStore(e.getMessage(), !e.waitForStore);
    } catch (StateStoreException e) {
      LOG.warnf(
          "Canary files of Destination %s not written yet: %s", destinationName, e.getMessage());
      return Canary.failed(e.getMessage(), !e.isTransient());
    }
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
  public int remarkPlacements(String destinationName, Predicate<String> owns) {
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
      putMdc(first.key(), first.generation(), first.pipeline());
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
                    name, record.workloadGroupId(), storeIdOf(name), null, List.of(), misplaced));
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
        clearMdc();
      }
    }
    outbox.flush();
    return changed.size();
  }

  // ---------------------------------------------------------------------------------------------

  /** What one segment will do, gathered while planning. */
  private static final class SegmentPlan {
    final Map<String, StoreBatch> stores = new LinkedHashMap<>();

    /** Placement records that leave with this segment (withdrawn, or groups no longer produced). */
    final Set<String> leaving = new HashSet<>();

    /** Compound Promises: request sets for request-intake, sent once the reports are durable. */
    final List<ComponentSet> components = new ArrayList<>();

    StoreBatch batch(Resolved store) {
      return stores.computeIfAbsent(store.storeId(), id -> new StoreBatch(store.writer()));
    }
  }

  private void processSegment(List<Command> segment, Pause pause) throws BatchAbandonedException {
    SegmentPlan plan = new SegmentPlan();
    List<UpsertPlan> upserts = new ArrayList<>();
    List<WithdrawPlan> withdrawals = new ArrayList<>();
    // One span per Work, in its request's trace; the events about it are sent inside it.
    List<Span> spans = new ArrayList<>();
    try {
      for (Command command : segment) {
        Span span = workSpan(command);
        spans.add(span);
        try (TraceScope trace = TraceScope.enter(span)) {
          if (command instanceof Command.Upsert upsert) {
            UpsertPlan planned = planUpsert(upsert, plan);
            if (planned != null) {
              planned.span = span;
              upserts.add(planned);
            }
          } else if (command instanceof Command.Withdraw withdraw) {
            WithdrawPlan planned = planWithdraw(withdraw.withdrawn(), plan);
            planned.span = span;
            withdrawals.add(planned);
          }
        }
      }

      // Decisions are durable before any file moves, so a redo finds the same placements.
      for (UpsertPlan upsert : upserts) {
        try (TraceScope trace = TraceScope.enter(upsert.span)) {
          upsert.records.forEach(r -> outbox.placement(r.recordKey(), PlacementTable.json(r)));
          outbox.status(EventType.WORK_SCHEDULED, upsert.work.key(), scheduled(upsert));
        }
      }
      outbox.flush();

      for (StoreBatch batch : plan.stores.values()) {
        write(batch, plan.leaving, pause);
      }

      for (UpsertPlan upsert : upserts) {
        try (TraceScope trace = TraceScope.enter(upsert.span)) {
          report(upsert, plan.stores, plan.components);
        }
      }
      for (WithdrawPlan withdrawal : withdrawals) {
        try (TraceScope trace = TraceScope.enter(withdrawal.span)) {
          report(withdrawal, plan.stores, plan.components);
        }
      }
      outbox.flush();
      // After the reports: request-intake answers a refused set with WORK_FAILED, which must come
      // after the WORK_COMMITTED it overrides.
      if (!plan.components.isEmpty()) {
        plan.components.forEach(outbox::components);
        outbox.flush();
      }
    } finally {
      spans.forEach(Span::end);
    }
  }

  /** The span of a command, in the trace its record carries (a new one for a remembered Work). */
  private Span workSpan(Command command) {
    Context parent =
        telemetry.extract(command.source() == null ? null : command.source().headers());
    if (command instanceof Command.Upsert upsert) {
      Work work = upsert.work();
      return telemetry.startWork(parent, "upsert", work.key(), work.generation(), work.pipeline());
    }
    WorkWithdrawn withdrawn = ((Command.Withdraw) command).withdrawn();
    return telemetry.startWork(parent, "withdraw", withdrawn.key(), withdrawn.generation(), null);
  }

  private UpsertPlan planUpsert(Command.Upsert command, SegmentPlan segment) {
    Work work = command.work();
    putMdc(work.key(), work.generation(), work.pipeline());
    try {
      String invalid = invalidReason(work);
      if (invalid != null) {
        reject(command, invalid);
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
          keepWorkloads |= aggregates(target.destination());
          if (handedOverOnly(target.destination())) {
            plan.handedOver.add(target);
            continue;
          }
          Resolved store;
          try {
            store = resolve(target.destination());
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
          if (handedOverOnly(destination)) {
            continue;
          }
          try {
            Resolved store = resolve(destination);
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
      reject(command, e.getMessage());
      return null;
    } finally {
      clearMdc();
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
      Resolved store, Work work, WorkloadGroup group, String destination, StoreBatch batch) {
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
      Resolved store, PlacementRecord record, String destination, Scope scope, StoreBatch batch) {
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

  private WithdrawPlan planWithdraw(WorkWithdrawn withdrawn, SegmentPlan segment) {
    putMdc(withdrawn.key(), withdrawn.generation(), null);
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
          if (handedOverOnly(destination)) {
            continue;
          }
          Resolved store;
          try {
            store = resolve(destination);
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

  /**
   * The aggregate file of an {@code aggregatedYAML} Destination, from the placements on it that
   * stay: their files' contents, placements sorted by name, joined with {@code \n---\n}. Nothing
   * left: the file goes.
   */
  private FolderChange aggregate(String destination, Resolved store, Set<String> leaving) {
    List<PlacementRecord> live =
        placements.placementsOn(destination).stream()
            .filter(r -> !leaving.contains(r.recordKey()))
            .sorted(Comparator.comparing((PlacementRecord r) -> r.workPlacementName(destination)))
            .toList();
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    boolean first = true;
    for (PlacementRecord record : live) {
      if (record.workloads() == null) {
        LOG.warnf(
            "Placement %s on %s carries no files; it is left out of %s",
            record.recordKey(), destination, store.aggregatedFile());
        continue;
      }
      for (Workload workload : record.workloads()) {
        if (!first) {
          content.writeBytes(AGGREGATE_SEPARATOR);
        }
        content.writeBytes(workload.bytes());
        first = false;
      }
    }
    return content.size() == 0
        ? new FolderChange.DeleteFile(store.aggregatedFile())
        : new FolderChange.PutFile(store.aggregatedFile(), content.toByteArray());
  }

  /** Whether {@code destination} (if known) aggregates its files into one. */
  private boolean aggregates(String destination) {
    return destinations
        .destination(destination)
        .map(d -> Destination.AGGREGATED_YAML.equals(d.filepathMode()))
        .orElse(false);
  }

  /** Writes one store's changes, retrying transient failures until they succeed or we stop. */
  private void write(StoreBatch batch, Set<String> leaving, Pause pause)
      throws BatchAbandonedException {
    String store = batch.writer.name();
    int placementCount = batch.updates.size() + batch.deletes.size();
    Span span = telemetry.startWrite(store, batch.works);
    span.setAttribute("pledge.placements", (long) placementCount);
    span.setAttribute("pledge.works", (long) batch.works.size());
    try (TraceScope trace = TraceScope.enter(span)) {
      write(batch, leaving, pause, store, placementCount, span);
    } finally {
      span.end();
    }
  }

  private void write(
      StoreBatch batch,
      Set<String> leaving,
      Pause pause,
      String store,
      int placementCount,
      Span span)
      throws BatchAbandonedException {
    String message = CommitMessage.of(batch.updates, batch.deletes);
    Duration backoff = initialBackoff;
    boolean reported = false;
    while (true) {
      long started = System.nanoTime();
      try {
        List<FolderChange> changes = new ArrayList<>(batch.changes);
        // Built now, not when planned: the placement records of this segment are in the table.
        batch.aggregated.forEach(
            (name, aggregate) -> changes.add(aggregate(name, aggregate, leaving)));
        span.setAttribute("pledge.files", (long) files(changes));
        StateStore.WriteResult result = batch.writer.write(changes, message);
        batch.version = result.version();
        telemetry.wrote(
            store,
            result.committed() ? "committed" : "unchanged",
            Duration.ofNanos(System.nanoTime() - started),
            placementCount,
            null);
        span.setAttribute("pledge.committed", result.committed());
        if (result.version() != null) {
          span.setAttribute("pledge.version", result.version());
        }
        if (result.committed()) {
          LOG.infof(
              "Committed %d placement(s) to %s as %s",
              placementCount, batch.writer.name(), result.version());
        } else {
          LOG.debugf("%s already holds the content at %s", batch.writer.name(), result.version());
        }
        if (reported) {
          LOG.infof("%s is writable again", batch.writer.name());
        }
        return;
      } catch (ContendedWriteException e) {
        // Other writers are committing to the branch: nothing failed, try again soon.
        telemetry.wrote(
            store,
            "contended",
            Duration.ofNanos(System.nanoTime() - started),
            placementCount,
            null);
        span.addEvent("branch contended, trying again: " + e.getMessage());
        LOG.infof("%s; trying again in %d ms", e.getMessage(), CONTENDED_PAUSE.toMillis());
        pause.pause(CONTENDED_PAUSE);
      } catch (StateStoreException e) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        if (!e.isTransient()) {
          telemetry.wrote(store, "failed", elapsed, placementCount, e.getMessage());
          span.setStatus(StatusCode.ERROR, e.getMessage());
          batch.failure = e.getMessage();
          return;
        }
        telemetry.wrote(store, "retrying", elapsed, placementCount, e.getMessage());
        span.addEvent("write failed, retrying: " + e.getMessage());
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
            batch.writer.name(), backoff.toMillis(), e.getMessage());
        pause.pause(backoff);
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
      }
    }
  }

  private void report(
      UpsertPlan plan, Map<String, StoreBatch> stores, List<ComponentSet> components) {
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
          committed.add(placement(written, batch.version));
          Target target = written.target();
          if (!target.misplaced() && platform(target.destination())) {
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
      clearMdc();
    }
  }

  private void report(
      WithdrawPlan plan, Map<String, StoreBatch> stores, List<ComponentSet> components) {
    WorkWithdrawn withdrawn = plan.withdrawn;
    putMdc(withdrawn.key(), withdrawn.generation(), null);
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
            && withdraws(withdrawn, work.workType(), work.pipeline())) {
          outbox.placement(remembered.recordKey(), null);
        }
      }
    } finally {
      clearMdc();
    }
  }

  /** Compound Promises: the requests a placement gave the platform go with it. */
  private void withdrawComponents(
      PlacementRecord record, long generation, List<ComponentSet> components) {
    for (String destination : record.destinations()) {
      if (platform(destination)) {
        components.add(ComponentSets.withdrawn(record, destination, generation));
      }
    }
  }

  private boolean platform(String destination) {
    return ComponentSets.platform(destinations.destination(destination));
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
    Span.current().setStatus(StatusCode.ERROR, reason);
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
      if (group == null) {
        return "Work with a null workload group";
      }
      if (group.id() == null || group.id().length() < 5 || !ids.add(group.id())) {
        return "workload group with a missing, short or repeated id: " + group.id();
      }
      if (group.workloads() == null) {
        return "workload group " + group.id() + " without workloads";
      }
      if (group.destinationSelectors() != null
          && group.destinationSelectors().stream().anyMatch(Objects::isNull)) {
        return "workload group " + group.id() + " holds a null destination selector";
      }
      for (Workload workload : group.workloads()) {
        if (workload == null) {
          return "workload group " + group.id() + " holds a null workload";
        }
        if (workload.content() == null) {
          return "workload " + workload.filepath() + " without content";
        }
        // Refused up front, whatever the Destinations: a Work no Destination takes yet, or only
        // aggregated-yaml ones, would otherwise wait with no reason until one that writes files.
        try {
          StateStoreLayout.relative(workload.filepath());
        } catch (EscapingPathException e) {
          return e.getMessage();
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

  /** How many files a write puts or removes (a removed folder counts as one). */
  private static int files(List<FolderChange> changes) {
    int files = 0;
    for (FolderChange change : changes) {
      if (change instanceof FolderChange.ReplaceFolder replace) {
        files += replace.files().size();
      } else if (change instanceof FolderChange.ReplaceListed listed) {
        files += listed.files().size() + 1;
      } else {
        files++;
      }
    }
    return files;
  }

  private String storeIdOf(String destinationName) {
    return destinations
        .destination(destinationName)
        .map(Destination::spec)
        .map(Destination.Spec::stateStoreRef)
        .map(ref -> ref.kind() + "/" + ref.name())
        .orElse(null);
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
    String mode = destination.filepathMode();
    if (!Destination.NESTED_BY_METADATA.equals(mode)
        && !Destination.AGGREGATED_YAML.equals(mode)
        && !Destination.NONE.equals(mode)) {
      throw new StoreProblem(
          "Destination " + destinationName + ": unknown filepath mode " + mode, true);
    }
    String storeId = ref.kind() + "/" + ref.name();
    String storePath;
    StateStore writer;
    try {
      if (GitStateStore.class.getSimpleName().equals(ref.kind())) {
        GitStateStore document =
            destinations
                .gitStore(ref.name())
                .orElseThrow(() -> new StoreProblem(storeId + " not found", true));
        storePath = document.spec() == null ? null : document.spec().path();
        writer = stores.git(document);
      } else if (BucketStateStore.class.getSimpleName().equals(ref.kind())) {
        BucketStateStore document =
            destinations
                .bucketStore(ref.name())
                .orElseThrow(() -> new StoreProblem(storeId + " not found", true));
        storePath = document.spec() == null ? null : document.spec().path();
        writer = stores.bucket(document);
      } else {
        throw new StoreProblem(
            "Destination "
                + destinationName
                + ": unknown state store kind "
                + ref.kind()
                + " (GitStateStore or BucketStateStore)",
            true);
      }
    } catch (StateStoreException e) {
      throw new StoreProblem(e.getMessage(), true);
    }
    String destinationPath =
        destination.spec().path() == null || destination.spec().path().isBlank()
            ? destinationName
            : destination.spec().path();
    try {
      String normalisedStorePath = StateStoreLayout.normalise(storePath, "state store path");
      String root = StateStoreLayout.destinationRoot(storePath, destinationPath);
      String filename =
          destination.spec().filepath() == null ? null : destination.spec().filepath().filename();
      String aggregatedFile =
          Destination.AGGREGATED_YAML.equals(mode)
              ? StateStoreLayout.aggregatedFile(root, filename)
              : null;
      return new Resolved(storeId, normalisedStorePath, root, mode, aggregatedFile, writer);
    } catch (EscapingPathException e) {
      throw new StoreProblem("Destination " + destinationName + ": " + e.getMessage(), true);
    }
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

  /**
   * A Destination's place in its state store.
   *
   * @param storeId {@code <Kind>/<name>}
   * @param storePath the store's own path prefix, normalised ({@code ""} for none)
   * @param root {@code <store.path>/<dest.path>}
   * @param mode the Destination's filepath mode
   * @param aggregatedFile the one file of an aggregatedYAML Destination, else null
   * @param writer writes the store
   */
  private record Resolved(
      String storeId,
      String storePath,
      String root,
      String mode,
      String aggregatedFile,
      StateStore writer) {}

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
  private record Written(Target target, String storeId, List<String> paths) {}

  private static final class StoreBatch {
    final StateStore writer;
    final List<FolderChange> changes = new ArrayList<>();
    final List<String> updates = new ArrayList<>();
    final List<String> deletes = new ArrayList<>();
    final List<WorkFailed> failureSubjects = new ArrayList<>();

    /** aggregatedYAML Destinations whose file is rebuilt, by name. */
    final Map<String, Resolved> aggregated = new LinkedHashMap<>();

    /** The spans of the Works this write carries: its span is in the first one's trace. */
    final List<SpanContext> works = new ArrayList<>();

    String version;
    String failure;

    StoreBatch(StateStore writer) {
      this.writer = Objects.requireNonNull(writer);
    }

    void absorb(StoreBatch other) {
      changes.addAll(other.changes);
      updates.addAll(other.updates);
      deletes.addAll(other.deletes);
      failureSubjects.addAll(other.failureSubjects);
      aggregated.putAll(other.aggregated);
      other.works.forEach(this::carries);
    }

    void carries(SpanContext work) {
      if (work.isValid() && !works.contains(work)) {
        works.add(work);
      }
    }
  }

  private static final class UpsertPlan {
    final Work work;
    final Schedule schedule;
    final List<Written> written = new ArrayList<>();
    // Compound Promises: groups on a platform Destination that go to request-intake only.
    final List<Target> handedOver = new ArrayList<>();
    final Map<String, String> failures = new LinkedHashMap<>();
    final List<PlacementRecord> records = new ArrayList<>();
    final List<PlacementRecord> droppedGroups = new ArrayList<>();
    final Set<String> droppedStores = new HashSet<>();
    Span span = Span.getInvalid();

    UpsertPlan(Work work, Schedule schedule) {
      this.work = work;
      this.schedule = schedule;
    }
  }

  private static final class WithdrawPlan {
    final WorkWithdrawn withdrawn;
    final List<PlacementRecord> records = new ArrayList<>();
    final List<Written> removed = new ArrayList<>();
    Span span = Span.getInvalid();

    WithdrawPlan(WorkWithdrawn withdrawn) {
      this.withdrawn = withdrawn;
    }
  }
}
