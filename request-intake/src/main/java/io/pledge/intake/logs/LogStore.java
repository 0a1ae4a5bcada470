package io.pledge.intake.logs;

import io.pledge.contract.pipeline.PipelineLog;
import io.pledge.contract.pipeline.WorkflowRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * The stage output of the last runs of every resource and Promise, bounded three ways: runs per
 * key, bytes per key, bytes in all. Filled from {@code pledge.logs}, which is the durable copy: a
 * restarted instance rebuilds the same store by replaying it.
 *
 * <p>A run is one workflow execution ({@link WorkflowRef} type, action and generation). A manual
 * re-run or a retry at the same generation shows up as the same pipeline and container again, which
 * starts a new run.
 */
public final class LogStore {

  private final int maxRunsPerKey;
  private final long maxBytesPerKey;
  private final long maxTotalBytes;
  // Insertion order is write order (a written key is moved to the end): the first key is the one
  // least recently written, evicted first when the store is over its total.
  private final LinkedHashMap<String, KeyLogs> byKey = new LinkedHashMap<>();
  private long totalBytes;
  private long runCounter;

  public LogStore(int maxRunsPerKey, long maxBytesPerKey, long maxTotalBytes) {
    if (maxRunsPerKey < 1 || maxBytesPerKey < 1 || maxTotalBytes < maxBytesPerKey) {
      throw new IllegalArgumentException(
          "need max runs >= 1, max bytes per key >= 1 and max total bytes >= max bytes per key");
    }
    this.maxRunsPerKey = maxRunsPerKey;
    this.maxBytesPerKey = maxBytesPerKey;
    this.maxTotalBytes = maxTotalBytes;
  }

  /** One container's output within a run. */
  public record Entry(
      Instant time,
      String pipeline,
      String container,
      Integer exitCode,
      boolean truncated,
      String stdout,
      String stderr) {

    int bytes() {
      return utf8(stdout) + utf8(stderr) + utf8(pipeline) + utf8(container) + 64;
    }

    /** The same entry with its output cut to its last {@code budget} bytes in all. */
    Entry tail(int budget) {
      int errBudget = Math.min(utf8(stderr), budget / 2);
      int outBudget = Math.max(0, budget - errBudget);
      return new Entry(
          time,
          pipeline,
          container,
          exitCode,
          true,
          tail(stdout, outBudget),
          tail(stderr, errBudget));
    }

    private static String tail(String s, int bytes) {
      if (s == null || utf8(s) <= bytes) {
        return s;
      }
      byte[] all = s.getBytes(StandardCharsets.UTF_8);
      int from = all.length - bytes;
      while (from < all.length && (all[from] & 0xC0) == 0x80) {
        from++; // do not start in the middle of a character
      }
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }
  }

  /**
   * One workflow run.
   *
   * @param number increases with every run the store sees (across keys), so runs sort in order
   */
  public record Run(
      long number, String workflowType, String action, long generation, List<Entry> entries) {}

  /** Records one container's output. */
  public synchronized void add(String key, Instant time, PipelineLog log) {
    if (key == null || log == null || log.workflow() == null) {
      return;
    }
    KeyLogs logs = byKey.remove(key);
    if (logs == null) {
      logs = new KeyLogs();
    }
    byKey.put(key, logs);
    WorkflowRef ref = log.workflow();
    MutableRun run = logs.runs.peekLast();
    if (run == null || !run.isOf(ref) || run.has(log.pipeline(), log.container())) {
      run = new MutableRun(++runCounter, ref);
      logs.runs.addLast(run);
    }
    Entry entry =
        new Entry(
            time,
            log.pipeline(),
            log.container(),
            log.exitCode(),
            log.truncated(),
            log.stdout() == null ? "" : log.stdout(),
            log.stderr() == null ? "" : log.stderr());
    if (entry.bytes() > maxBytesPerKey) {
      long overhead = entry.bytes() - utf8(entry.stdout()) - utf8(entry.stderr());
      entry = entry.tail((int) Math.min(Integer.MAX_VALUE, Math.max(0, maxBytesPerKey - overhead)));
    }
    run.entries.add(entry);
    logs.bytes += entry.bytes();
    totalBytes += entry.bytes();
    trim(logs);
    while (totalBytes > maxTotalBytes && byKey.size() > 1) {
      String oldest = byKey.keySet().iterator().next();
      totalBytes -= byKey.remove(oldest).bytes;
    }
  }

  private void trim(KeyLogs logs) {
    while (logs.runs.size() > maxRunsPerKey) {
      drop(logs, logs.runs.removeFirst());
    }
    while (logs.bytes > maxBytesPerKey && logs.runs.size() > 1) {
      drop(logs, logs.runs.removeFirst());
    }
    MutableRun only = logs.runs.peekFirst();
    while (logs.bytes > maxBytesPerKey && only != null && only.entries.size() > 1) {
      Entry first = only.entries.remove(0);
      logs.bytes -= first.bytes();
      totalBytes -= first.bytes();
    }
  }

  private void drop(KeyLogs logs, MutableRun run) {
    for (Entry e : run.entries) {
      logs.bytes -= e.bytes();
      totalBytes -= e.bytes();
    }
  }

  /** Forgets everything about {@code key}. */
  public synchronized void remove(String key) {
    KeyLogs logs = byKey.remove(key);
    if (logs != null) {
      totalBytes -= logs.bytes;
    }
  }

  /**
   * The runs of {@code key}, oldest first, keeping only the entries that match the filters (a run
   * left without entries is left out).
   */
  public synchronized List<Run> runs(String key, Filter filter) {
    KeyLogs logs = byKey.get(key);
    if (logs == null) {
      return List.of();
    }
    List<Run> runs = new ArrayList<>();
    for (MutableRun r : logs.runs) {
      if (!filter.matches(r)) {
        continue;
      }
      List<Entry> entries =
          r.entries.stream()
              .filter(e -> filter.pipeline().map(p -> p.equals(e.pipeline())).orElse(true))
              .filter(e -> filter.container().map(c -> c.equals(e.container())).orElse(true))
              .toList();
      if (!entries.isEmpty()) {
        runs.add(new Run(r.number, r.workflowType, r.action, r.generation, entries));
      }
    }
    if (filter.last().isPresent() && runs.size() > filter.last().get()) {
      return List.copyOf(runs.subList(runs.size() - filter.last().get(), runs.size()));
    }
    return runs;
  }

  /** Whether anything is stored for {@code key}. */
  public synchronized boolean has(String key) {
    return byKey.containsKey(key);
  }

  /** Bytes held in all, as counted against {@code max-total-bytes}. */
  public synchronized long totalBytes() {
    return totalBytes;
  }

  /**
   * Which output to return; empty means any.
   *
   * @param last only the last n runs that match
   */
  public record Filter(
      Optional<String> pipeline,
      Optional<String> container,
      Optional<Long> generation,
      Optional<String> action,
      Optional<Integer> last) {

    public static final Filter ALL =
        new Filter(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    boolean matches(MutableRun r) {
      return generation.map(g -> g == r.generation).orElse(true)
          && action.map(a -> a.equals(r.action)).orElse(true);
    }
  }

  private static final class KeyLogs {
    final Deque<MutableRun> runs = new ArrayDeque<>();
    long bytes;
  }

  private static final class MutableRun {
    final long number;
    final String workflowType;
    final String action;
    final long generation;
    final List<Entry> entries = new ArrayList<>();

    MutableRun(long number, WorkflowRef ref) {
      this.number = number;
      this.workflowType = ref.workflowType();
      this.action = ref.action();
      this.generation = ref.generation();
    }

    boolean isOf(WorkflowRef ref) {
      return ref.generation() == generation
          && java.util.Objects.equals(ref.action(), action)
          && java.util.Objects.equals(ref.workflowType(), workflowType);
    }

    boolean has(String pipeline, String container) {
      return entries.stream()
          .anyMatch(
              e ->
                  java.util.Objects.equals(e.pipeline(), pipeline)
                      && java.util.Objects.equals(e.container(), container));
    }
  }

  private static int utf8(String s) {
    if (s == null) {
      return 0;
    }
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
