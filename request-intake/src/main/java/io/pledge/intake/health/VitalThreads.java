package io.pledge.intake.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Runs the threads the service cannot work without (the status view's replay, the log store's, the
 * dry-run answers) and knows when one has died: an error escaped its loop (an {@link
 * OutOfMemoryError} among them), or it ended without being stopped. {@link VitalThreadsHealthCheck}
 * then turns liveness DOWN, so the orchestrator restarts the process, instead of the service
 * answering from a view that no longer moves while saying UP.
 */
@ApplicationScoped
public class VitalThreads {

  private static final Logger LOG = Logger.getLogger(VitalThreads.class);

  private final Map<String, String> deaths = new ConcurrentHashMap<>();
  private final Set<Thread> stopping = ConcurrentHashMap.newKeySet();

  /** Starts {@code loop} on a daemon thread of that name. */
  public Thread start(String name, Runnable loop) {
    Thread thread = new Thread(() -> watch(name, loop), name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Says that {@code thread} is being stopped on purpose, so its end is no death. */
  public void stopping(Thread thread) {
    stopping.add(thread);
  }

  /** The threads that died, by name, with what ended them. */
  public Map<String, String> deaths() {
    return new TreeMap<>(deaths);
  }

  @SuppressWarnings("java:S1181") // whatever ends a vital thread must be seen, Errors above all
  private void watch(String name, Runnable loop) {
    try {
      loop.run();
      if (!stopping.remove(Thread.currentThread())) {
        deaths.put(name, "ended without being stopped");
        LOG.errorf("Thread %s ended without being stopped; liveness is DOWN", name);
      }
    } catch (Throwable e) {
      deaths.put(name, e.toString());
      LOG.errorf(e, "Thread %s died; liveness is DOWN", name);
    }
  }
}
