package io.pledge.intake.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The Kubernetes mode's work, one task at a time on one thread, so that the tasks of one object
 * never race. A task already waiting covers a later request for the same task. A task that throws
 * {@link RetryLater}, or meets a failed Kubernetes call, runs again after the retry delay; any
 * other failure is logged and dropped (the next event of the object queues it again).
 */
final class TaskQueue implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TaskQueue.class);

  private final Consumer<String> work;
  private final Duration retryDelay;
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService worker;

  /**
   * @param thread the worker thread's name
   * @param work runs one task
   */
  TaskQueue(String thread, Consumer<String> work, Duration retryDelay) {
    this.work = work;
    this.retryDelay = retryDelay;
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, thread);
              t.setDaemon(true);
              return t;
            });
  }

  /** Runs {@code task} after {@code delay}, unless it is already waiting. */
  void queue(String task, Duration delay) {
    if (worker.isShutdown() || !queued.add(task)) {
      return;
    }
    try {
      worker.schedule(
          () -> {
            queued.remove(task);
            run(task);
          },
          delay.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopped) {
      queued.remove(task); // closed meanwhile: this replica stood down
    }
  }

  private void run(String task) {
    try {
      work.accept(task);
    } catch (RetryLater e) {
      queue(task, retryDelay);
    } catch (KubernetesClientException e) {
      LOG.warnf("Kubernetes call for %s failed, retrying: %s", task, e.getMessage());
      queue(task, retryDelay);
    } catch (RuntimeException e) {
      LOG.errorf(e, "Kubernetes task %s failed", task);
    }
  }

  /** Drops the waiting tasks and stops the running one. */
  @Override
  public void close() {
    worker.shutdownNow();
    queued.clear();
  }
}
