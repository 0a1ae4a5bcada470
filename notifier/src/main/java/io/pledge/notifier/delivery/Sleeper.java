package io.pledge.notifier.delivery;

import java.time.Duration;

/** Waits between attempts; a seam so tests need not wait and shutdown can cut a wait short. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;
}
