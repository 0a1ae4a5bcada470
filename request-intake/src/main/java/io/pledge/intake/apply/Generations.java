package io.pledge.intake.apply;

/**
 * How an applied object's generation follows from what was there before, Kubernetes' rule: a new
 * object (or one applied again after its delete) continues after the newest generation it ever had,
 * a changed spec takes the next generation, and an unchanged spec keeps its generation (the outcome
 * still says whether the metadata changed). One rule for Promises, NotificationPolicies and
 * resource requests, and the one the resource owner will decide by (backbone v2, step 6).
 */
public final class Generations {

  private Generations() {}

  /**
   * What is there before an apply.
   *
   * @param generation the live object's generation
   * @param specHash the live object's spec hash
   * @param metaHash the live object's metadata hash (labels, annotations)
   */
  public record Live(long generation, String specHash, String metaHash) {}

  /** The generation an apply gets, and what it did. */
  public record Decision(long generation, Outcome outcome) {}

  /**
   * @param live the object as it is, or null when there is none (never applied, or deleted)
   * @param newest the newest generation known for the object besides the live one (its status's, or
   *     the one it had when deleted; 0 when none): a new generation continues after the larger of
   *     the two
   * @param specHash the applied document's spec hash
   * @param metaHash the applied document's metadata hash
   */
  public static Decision decide(Live live, long newest, String specHash, String metaHash) {
    if (live == null) {
      return new Decision(newest + 1, Outcome.CREATED);
    }
    if (live.specHash().equals(specHash)) {
      return new Decision(
          live.generation(),
          live.metaHash().equals(metaHash) ? Outcome.UNCHANGED : Outcome.CONFIGURED);
    }
    return new Decision(Math.max(newest, live.generation()) + 1, Outcome.CONFIGURED);
  }
}
