package io.pledge.runner.workflow;

import io.pledge.contract.event.EventType;
import java.util.concurrent.CompletableFuture;

/** Where a workflow's events go; the future completes when the broker has them. */
public interface WorkflowEvents {
  CompletableFuture<Void> publish(EventType type, String subject, Object data);
}
