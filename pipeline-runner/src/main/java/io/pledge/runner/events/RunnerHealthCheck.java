package io.pledge.runner.events;

import io.pledge.runner.sandbox.StageExecutor;
import io.pledge.runner.workflow.PromiseRegistry;
import io.pledge.runner.workflow.WorkflowSequencer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the Promise table has been replayed and stages can run (bubblewrap is present when the
 * sandbox is used).
 */
@Readiness
@ApplicationScoped
public class RunnerHealthCheck implements HealthCheck {

  @Inject PromiseTableReader table;
  @Inject ResourceTable resources;
  @Inject PromiseRegistry promises;
  @Inject StageExecutor executor;
  @Inject WorkflowSequencer sequencer;

  @Override
  public HealthCheckResponse call() {
    String unavailable = executor.unavailableReason();
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("pipeline-runner")
            .status(table.caughtUp() && resources.caughtUp() && unavailable == null)
            .withData("promiseTableReplayed", table.caughtUp())
            .withData("resourceTableReplayed", resources.caughtUp())
            .withData("promises", promises.size())
            .withData("heldRequests", sequencer.held())
            .withData("waitingForPromise", sequencer.waitingLanes());
    if (unavailable != null) {
      response.withData("executor", unavailable);
    }
    return response.build();
  }
}
