package io.pledge.contract.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pledge.contract.work.Placement;
import java.util.List;

/**
 * What is known of one pipeline's Work.
 *
 * @param pipeline the pipeline that produced it
 * @param generation the generation it was produced for
 * @param state {@code Scheduled}, {@code Pending} (no Destination), {@code Committed} or {@code
 *     Failed}
 * @param placements where its groups went and, once committed, the commit that holds them
 * @param message why it is pending or failing
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record WorkState(
    String pipeline, long generation, String state, List<Placement> placements, String message) {
  public static final String SCHEDULED = "Scheduled";
  public static final String PENDING = "Pending";
  public static final String COMMITTED = "Committed";
  public static final String FAILED = "Failed";
}
