package io.pledge.intake.apply;

import java.util.List;

/**
 * Hands a validated request to the owner of its key and waits for the decision: the one place
 * generations are assigned, whichever replica accepted the request (issue #15, single writer per
 * key). On return the decision's events and the resource's folded record are committed, and this
 * instance's view shows them.
 */
public interface RequestSequencer {

  /**
   * @throws io.pledge.intake.problem.ProblemException 503 when no decision arrives in time (the
   *     intent may still be decided; sending the same request again is safe)
   */
  default RequestDecision decide(RequestIntent intent) {
    return decideAll(List.of(intent)).get(0);
  }

  /**
   * Sends every intent at once and waits for all their decisions: a body of many documents costs
   * one owner commit, not one per document. Intents of one key are decided in the given order.
   *
   * @return the decisions, in the order of {@code intents}
   * @throws io.pledge.intake.problem.ProblemException 503 when a decision does not arrive in time
   */
  List<RequestDecision> decideAll(List<RequestIntent> intents);
}
