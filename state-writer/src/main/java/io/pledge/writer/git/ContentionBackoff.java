package io.pledge.writer.git;

import java.time.Duration;

/**
 * The pause before a push is redone because another writer moved the branch first.
 *
 * <p>Losing that race is not a failure: the other writer made progress. But two writers that
 * collided and then wait the same fixed time collide again, attempt after attempt, until both give
 * up (two state-writer instances did exactly that on one branch: "rejected 5 times"). So the pause
 * doubles per attempt up to {@link #CAP} and half of it is random, which spreads the two apart.
 */
final class ContentionBackoff {

  /** Longer pauses would only delay a Work that the other writer's push no longer blocks. */
  static final Duration CAP = Duration.ofSeconds(1);

  private ContentionBackoff() {}

  /**
   * The pause after the {@code attempt}-th rejected push (1-based).
   *
   * @param base the pause after the first rejection, before jitter
   * @param draw a random number in [0, 1)
   */
  static Duration after(int attempt, Duration base, double draw) {
    long ceiling = base.toMillis() << Math.min(attempt - 1, 20);
    long full = Math.min(CAP.toMillis(), ceiling);
    long half = full / 2;
    return Duration.ofMillis(half + (long) (draw * (full - half)));
  }
}
