package io.pledge.intake.apply;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The owner's answer to a {@link RequestIntent}, on {@code pledge.requests.decisions}; committed in
 * the same transaction as the events it caused and the resource's folded record, so a replica that
 * reads it (read_committed) knows all three are visible.
 *
 * @param id the intent's id
 * @param key the resource key
 * @param kind the resource's kind, for the answer's line ({@code <kind>/<name> created})
 * @param generation the generation the resource is at after the intent
 * @param outcome what the intent did; null when it was refused
 * @param status 200 when it was done, else the HTTP status of the refusal (404, 409)
 * @param detail why it was refused
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestDecision(
    String id,
    String key,
    String kind,
    long generation,
    Outcome outcome,
    int status,
    String detail) {

  static RequestDecision done(RequestIntent intent, String kind, long generation, Outcome outcome) {
    return new RequestDecision(intent.id(), intent.key(), kind, generation, outcome, 200, null);
  }

  static RequestDecision refused(RequestIntent intent, int status, String detail) {
    return new RequestDecision(intent.id(), intent.key(), null, 0, null, status, detail);
  }

  public boolean refused() {
    return outcome == null;
  }
}
