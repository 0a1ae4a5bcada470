package io.pledge.writer.batch;

import io.opentelemetry.api.trace.Span;
import io.pledge.contract.work.WorkWithdrawn;
import io.pledge.writer.scheduling.PlacementRecord;
import java.util.ArrayList;
import java.util.List;

/** What one withdrawal removes: the placements it ends and the files that leave with them. */
final class WithdrawPlan {
  final WorkWithdrawn withdrawn;
  final List<PlacementRecord> records = new ArrayList<>();
  final List<Written> removed = new ArrayList<>();
  Span span = Span.getInvalid();

  WithdrawPlan(WorkWithdrawn withdrawn) {
    this.withdrawn = withdrawn;
  }
}
