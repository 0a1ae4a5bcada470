package io.pledge.writer.batch;

import io.opentelemetry.api.trace.SpanContext;
import io.pledge.contract.work.WorkFailed;
import io.pledge.writer.store.FolderChange;
import io.pledge.writer.store.StateStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One state store's share of a segment: the changes of its one commit, and how it went. */
final class StoreBatch {
  final StateStore writer;
  final List<FolderChange> changes = new ArrayList<>();
  final List<String> updates = new ArrayList<>();
  final List<String> deletes = new ArrayList<>();

  /** Who hears of a write that keeps failing: one WORK_FAILED per Work and Destination. */
  final List<WorkFailed> failureSubjects = new ArrayList<>();

  /** aggregatedYAML Destinations whose file is rebuilt, by name. */
  final Map<String, ResolvedStore> aggregated = new LinkedHashMap<>();

  /** The spans of the Works this write carries: its span is in the first one's trace. */
  final List<SpanContext> works = new ArrayList<>();

  /** The version written, once written. */
  String version;

  /** Why the write failed for good; null unless it did. */
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
