package io.pledge.writer.batch;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.Destination;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkWithdrawn;
import io.pledge.kafka.tracing.TraceScope;
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.layout.StateStoreLayout;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.scheduling.RememberedWork;
import io.pledge.writer.scheduling.Schedule;
import io.pledge.writer.scheduling.Scheduler;
import io.pledge.writer.scheduling.Target;
import io.pledge.writer.store.FolderChange;
import io.pledge.writer.store.StateStore;
import io.pledge.writer.store.StateStoreException;
import io.pledge.writer.stores.StateStores;
import io.pledge.writer.telemetry.WriterTelemetry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

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

  private final DestinationTable destinations;
  private final PlacementTable placements;
  private final Outbox outbox;
  private final WriterTelemetry telemetry;
  private final StoreResolver resolver;
  private final SegmentPlanner planner;
  private final StoreWriter writer;
  private final OutcomeReporter reporter;
  private final PlacementRemarker remarker;
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
    this.outbox = outbox;
    this.resolver = new StoreResolver(destinations, stores);
    this.planner = new SegmentPlanner(destinations, placements, resolver, this::handedOverOnly);
    this.writer = new StoreWriter(placements, outbox, telemetry, initialBackoff, maxBackoff);
    this.reporter = new OutcomeReporter(placements, resolver, outbox);
    this.remarker = new PlacementRemarker(destinations, placements, resolver, outbox);
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
    return !platformCommits && resolver.platform(destination);
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
      ResolvedStore store = resolver.resolve(destinationName);
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
   * Looks again at the placements on a Destination whose labels may have changed; see {@link
   * PlacementRemarker}.
   *
   * @param owns whether this instance handles a Work key (owns its {@code pledge.works} partition)
   * @return how many Works were re-marked
   */
  public int remarkPlacements(String destinationName, Predicate<String> owns) {
    return remarker.remark(destinationName, owns);
  }

  // ---------------------------------------------------------------------------------------------

  /** Plans the segment, makes its decisions durable, writes each store once, then reports. */
  private void processSegment(List<Command> segment, Pause pause) throws BatchAbandonedException {
    SegmentPlan plan = new SegmentPlan();
    // One span per Work, in its request's trace; the events about it are sent inside it.
    List<Span> spans = new ArrayList<>();
    try {
      for (Command command : segment) {
        Span span = workSpan(command);
        spans.add(span);
        try (TraceScope trace = TraceScope.enter(span)) {
          if (command instanceof Command.Upsert upsert) {
            UpsertPlan planned = planner.planUpsert(upsert, plan);
            if (planned != null) {
              planned.span = span;
              plan.upserts.add(planned);
            }
          } else if (command instanceof Command.Withdraw withdraw) {
            WithdrawPlan planned = planner.planWithdraw(withdraw.withdrawn(), plan);
            planned.span = span;
            plan.withdrawals.add(planned);
          }
        }
      }
      for (SegmentPlan.Rejection rejection : plan.rejections) {
        try (TraceScope trace = TraceScope.enter(rejection.span())) {
          reporter.reject(rejection);
        }
      }

      // Decisions are durable before any file moves, so a redo finds the same placements.
      for (UpsertPlan upsert : plan.upserts) {
        try (TraceScope trace = TraceScope.enter(upsert.span)) {
          upsert.records.forEach(r -> outbox.placement(r.recordKey(), PlacementTable.json(r)));
          outbox.status(EventType.WORK_SCHEDULED, upsert.work.key(), reporter.scheduled(upsert));
        }
      }
      outbox.flush();

      for (StoreBatch batch : plan.stores.values()) {
        writer.write(batch, plan.leaving, pause);
      }

      for (UpsertPlan upsert : plan.upserts) {
        try (TraceScope trace = TraceScope.enter(upsert.span)) {
          reporter.report(upsert, plan.stores, plan.components);
        }
      }
      for (WithdrawPlan withdrawal : plan.withdrawals) {
        try (TraceScope trace = TraceScope.enter(withdrawal.span)) {
          reporter.report(withdrawal, plan.stores, plan.components);
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
}
