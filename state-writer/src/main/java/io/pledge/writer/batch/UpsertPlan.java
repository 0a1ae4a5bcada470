package io.pledge.writer.batch;

import io.opentelemetry.api.trace.Span;
import io.pledge.contract.work.Work;
import io.pledge.writer.scheduling.PlacementRecord;
import io.pledge.writer.scheduling.Schedule;
import io.pledge.writer.scheduling.Target;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What one Work's upsert does: where it goes, what it writes, which placements change. */
final class UpsertPlan {
  final Work work;
  final Schedule schedule;
  final List<Written> written = new ArrayList<>();
  // Compound Promises: groups on a platform Destination that go to request-intake only.
  final List<Target> handedOver = new ArrayList<>();

  /** Destinations the Work cannot be written to, with the reason. */
  final Map<String, String> failures = new LinkedHashMap<>();

  /** Placement records that change, durable before any file moves. */
  final List<PlacementRecord> records = new ArrayList<>();

  /** Groups the pipeline no longer produces, and the stores their files leave. */
  final List<PlacementRecord> droppedGroups = new ArrayList<>();

  final Set<String> droppedStores = new HashSet<>();
  Span span = Span.getInvalid();

  UpsertPlan(Work work, Schedule schedule) {
    this.work = work;
    this.schedule = schedule;
  }
}
