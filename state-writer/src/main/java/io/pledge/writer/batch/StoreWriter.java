package io.pledge.writer.batch;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.pledge.contract.event.EventType;
import io.pledge.contract.work.WorkFailed;
import io.pledge.contract.work.Workload;
import io.pledge.kafka.tracing.TraceScope;
import io.pledge.writer.scheduling.PlacementRecord;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.store.ContendedWriteException;
import io.pledge.writer.store.FolderChange;
import io.pledge.writer.store.StateStore;
import io.pledge.writer.store.StateStoreException;
import io.pledge.writer.telemetry.WriterTelemetry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Writes one store's share of a segment as one commit: retries a transient failure with backoff
 * until it succeeds or the batch is abandoned (telling the Works' requests once that it keeps
 * failing), tries a contended branch again soon, and records a lasting failure on the batch.
 */
final class StoreWriter {

  private static final Logger LOG = Logger.getLogger(StoreWriter.class);
  private static final byte[] AGGREGATE_SEPARATOR = "\n---\n".getBytes(StandardCharsets.UTF_8);

  /** The pause before a write that other writers kept out is tried again. */
  private static final Duration CONTENDED_PAUSE = Duration.ofMillis(200);

  private final PlacementTable placements;
  private final Outbox outbox;
  private final WriterTelemetry telemetry;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  StoreWriter(
      PlacementTable placements,
      Outbox outbox,
      WriterTelemetry telemetry,
      Duration initialBackoff,
      Duration maxBackoff) {
    this.placements = placements;
    this.outbox = outbox;
    this.telemetry = telemetry;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  /** Writes one store's changes, retrying transient failures until they succeed or we stop. */
  void write(StoreBatch batch, Set<String> leaving, CommitBatcher.Pause pause)
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
      CommitBatcher.Pause pause,
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

  /**
   * The aggregate file of an {@code aggregatedYAML} Destination, from the placements on it that
   * stay: their files' contents, placements sorted by name, joined with {@code \n---\n}. Nothing
   * left: the file goes.
   */
  private FolderChange aggregate(String destination, ResolvedStore store, Set<String> leaving) {
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
}
