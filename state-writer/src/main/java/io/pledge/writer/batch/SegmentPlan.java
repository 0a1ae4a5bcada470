package io.pledge.writer.batch;

import io.opentelemetry.api.trace.Span;
import io.pledge.contract.work.ComponentSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What one segment will do, gathered while planning. */
final class SegmentPlan {

  /** A Work no Destination can take, refused with its reason. */
  record Rejection(Command.Upsert command, String reason, Span span) {}

  final Map<String, StoreBatch> stores = new LinkedHashMap<>();
  final List<UpsertPlan> upserts = new ArrayList<>();
  final List<WithdrawPlan> withdrawals = new ArrayList<>();
  final List<Rejection> rejections = new ArrayList<>();

  /** Placement records that leave with this segment (withdrawn, or groups no longer produced). */
  final Set<String> leaving = new HashSet<>();

  /** Compound Promises: request sets for request-intake, sent once the reports are durable. */
  final List<ComponentSet> components = new ArrayList<>();

  StoreBatch batch(ResolvedStore store) {
    return stores.computeIfAbsent(store.storeId(), id -> new StoreBatch(store.writer()));
  }
}
