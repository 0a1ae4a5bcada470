package io.pledge.intake.view;

/**
 * Which accepted request of a resource counts as its last: one rule for the replayed view ({@link
 * IntakeView}) and the resource owner's fold, so both keep the same request.
 */
public final class RequestOrder {

  private RequestOrder() {}

  /**
   * Whether an apply at {@code generation} replaces the request at {@code oldGeneration}: a newer
   * generation does, and so does the same generation unless that one was deleted (a replayed apply
   * never revives a delete at its own generation).
   */
  public static boolean applyReplaces(long generation, long oldGeneration, boolean oldDeleted) {
    return generation > oldGeneration || (generation == oldGeneration && !oldDeleted);
  }

  /** Whether a delete at {@code generation} applies to the request at {@code oldGeneration}. */
  public static boolean deleteApplies(long generation, long oldGeneration) {
    return generation >= oldGeneration;
  }
}
