package io.pledge.runner.dryrun;

import io.pledge.contract.event.EventType;
import io.pledge.runner.workflow.WorkflowEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a dry run's workflow events go instead of the broker: kept in memory for {@link
 * DryRunReport}, acknowledged at once. This is what keeps a dry run off the normal topics.
 */
final class DryRunEvents implements WorkflowEvents {

  private final List<DryRunReport.Recorded> recorded = new ArrayList<>();

  @Override
  public synchronized CompletableFuture<Void> publish(EventType type, String subject, Object data) {
    recorded.add(new DryRunReport.Recorded(type, data));
    return CompletableFuture.completedFuture(null);
  }

  synchronized List<DryRunReport.Recorded> recorded() {
    return List.copyOf(recorded);
  }
}
