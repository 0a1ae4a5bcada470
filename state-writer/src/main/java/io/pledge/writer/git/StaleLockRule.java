package io.pledge.writer.git;

import java.time.Duration;
import java.time.Instant;

/**
 * When a Git lock file ({@code refs/heads/main.lock}) in a repository that other writers may share
 * counts as left behind by a writer that died: when it has not changed for {@code staleAfter}.
 *
 * <p>A live writer holds a ref lock only while it updates the ref, milliseconds after the pack has
 * arrived, so a lock far older than that has no live holder. Nothing better is available: a Git
 * lock file names no process, and the holder may be on another machine sharing the repository. A
 * lock stamped in the future (a file server whose clock runs ahead) is never stale.
 */
public final class StaleLockRule {

  private final Duration staleAfter;

  /**
   * @param staleAfter how long a lock must have stood unchanged, well above the longest legitimate
   *     ref update
   */
  public StaleLockRule(Duration staleAfter) {
    if (staleAfter.isNegative() || staleAfter.isZero()) {
      throw new IllegalArgumentException("the stale lock age must be positive: " + staleAfter);
    }
    this.staleAfter = staleAfter;
  }

  public Duration staleAfter() {
    return staleAfter;
  }

  /** How long a lock last modified at {@code modified} has stood at {@code now}; never negative. */
  public static Duration age(Instant modified, Instant now) {
    Duration age = Duration.between(modified, now);
    return age.isNegative() ? Duration.ZERO : age;
  }

  /** True when a lock last modified at {@code modified} has no live holder at {@code now}. */
  public boolean isStale(Instant modified, Instant now) {
    return !modified.isAfter(now) && Duration.between(modified, now).compareTo(staleAfter) >= 0;
  }
}
