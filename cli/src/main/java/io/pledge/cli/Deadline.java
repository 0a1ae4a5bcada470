package io.pledge.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the reading of a watch stream with a time limit. The reading runs on a daemon thread: a read
 * blocked on a quiet stream cannot be cut short from outside (closing the reader waits for the
 * read), and the process ends with its answer.
 */
final class Deadline {

  private Deadline() {}

  /**
   * The exit code {@code work} answers within {@code limit}; empty when it did not (no limit when
   * {@code limit} is zero).
   */
  static Optional<Integer> within(Duration limit, Callable<Integer> work) throws IOException {
    ExecutorService reader =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "pledge-stream");
              t.setDaemon(true);
              return t;
            });
    Future<Integer> outcome = reader.submit(work);
    try {
      return Optional.of(
          limit.isZero() ? outcome.get() : outcome.get(limit.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      reader.shutdownNow();
    }
  }
}
