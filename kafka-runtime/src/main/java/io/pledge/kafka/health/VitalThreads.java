package io.pledge.kafka.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Runs the threads a service cannot work without (the loops that follow its topics: intake's status
 * view, the runner's Promise and resource tables, the writer's tables and Works consumer, the
 * notifier's status consumer) and knows when one has died: an error escaped its loop (an {@link
 * OutOfMemoryError} among them), or it ended without being stopped. {@link VitalThreadsHealthCheck}
 * then turns liveness DOWN, so the orchestrator restarts the process, instead of the service
 * working from tables that no longer move while saying UP.
 */
@ApplicationScoped
public class VitalThreads {

  private static final Logger LOG = Logger.getLogger(VitalThreads.class);

  private final Map<String, Thread> running = new ConcurrentHashMap<>();
  private final Map<String, String> deaths = new ConcurrentHashMap<>();
  private final Set<Thread> stopping = ConcurrentHashMap.newKeySet();

  /** Starts {@code loop} on a daemon thread of that name. */
  public Thread start(String name, Runnable loop) {
    Thread thread = new Thread(() -> watch(name, loop), name);
    thread.setDaemon(true);
    running.put(name, thread);
    thread.start();
    return thread;
  }

  /** Says that {@code thread} is being stopped on purpose, so its end is no death. */
  public void stopping(Thread thread) {
    if (thread != null) {
      stopping.add(thread);
    }
  }

  /** The threads that died, by name, with what ended them. */
  public Map<String, String> deaths() {
    return new TreeMap<>(deaths);
  }

  /** The names of the threads started here and still running. */
  public Set<String> alive() {
    return new TreeMap<>(running).keySet();
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
    } finally {
      running.remove(name, Thread.currentThread());
    }
  }
}
