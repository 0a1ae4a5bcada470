package io.pledge.contract.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The last failure of a resource's workflow.
 *
 * @param pipeline the pipeline that failed
 * @param container the container that failed
 * @param exitCode its exit code
 * @param reason why
 * @param stderrTail the end of its standard error
 * @param time when
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Failure(
    String pipeline,
    String container,
    Integer exitCode,
    String reason,
    String stderrTail,
    Instant time) {}
