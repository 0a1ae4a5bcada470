package io.pledge.contract.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A Kubernetes-style status condition.
 *
 * @param type e.g. {@code ConfigureWorkflowCompleted}, {@code WorksSucceeded}, {@code Reconciled}
 * @param status {@code True}, {@code False} or {@code Unknown}
 * @param reason a CamelCase reason
 * @param message a human-readable message
 * @param lastTransitionTime when status or reason last changed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(
    String type, String status, String reason, String message, Instant lastTransitionTime) {

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  public static final String CONFIGURE_WORKFLOW_COMPLETED = "ConfigureWorkflowCompleted";
  public static final String DELETE_WORKFLOW_COMPLETED = "DeleteWorkflowCompleted";
  public static final String WORKS_SUCCEEDED = "WorksSucceeded";
  public static final String RECONCILED = "Reconciled";
  public static final String AVAILABLE = "Available";

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isTrue() {
    return TRUE.equals(status);
  }

  /**
   * This condition moved to {@code next}: the time only changes when the status or reason does, so
   * re-folding the same facts yields the same timestamps (kratix#743).
   */
  public Condition transitionTo(String status, String reason, String message, Instant now) {
    boolean changed = !status.equals(this.status) || !reason.equals(this.reason);
    return new Condition(type, status, reason, message, changed ? now : lastTransitionTime);
  }
}
