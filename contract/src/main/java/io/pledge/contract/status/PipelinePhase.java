package io.pledge.contract.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The phase of one pipeline of a resource's workflow, as in Kratix's {@code
 * status.kratix.workflows.pipelines}.
 *
 * @param name the pipeline
 * @param phase {@code Pending}, {@code Running}, {@code Succeeded}, {@code Failed} or {@code
 *     Suspended}
 * @param message a detail, e.g. the failure reason
 * @param lastTransitionTime when the phase last changed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelinePhase(String name, String phase, String message, Instant lastTransitionTime) {
  public static final String PENDING = "Pending";
  public static final String RUNNING = "Running";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
}
