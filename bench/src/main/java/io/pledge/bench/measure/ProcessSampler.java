package io.pledge.bench.measure;

import io.pledge.bench.deploy.PidFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the CPU time and memory of the deployment's processes once a second from {@code /proc}:
 * the pids come from {@code $PLEDGE_HOME/run/<name>.pid} and, for replicas, {@code
 * run/<name>-<i>.pid} (so a restarted service is followed to its new pid, and each instance is a
 * row of its own), CPU from {@code /proc/<pid>/stat} (own time, and the time of waited-for
 * children: pipeline-runner's sandboxed stages), peak RSS from {@code VmHWM} in {@code
 * /proc/<pid>/status}. CPU over a window adds up every incarnation of a service that lived in it.
 */
public final class ProcessSampler implements AutoCloseable {

  /** The processes sampled, as named by their pid files; "harness" is this JVM. */
  public static final List<String> NAMES =
      List.of("kafka", "request-intake", "pipeline-runner", "state-writer", "notifier", "harness");

  static final double TICKS_PER_SECOND = 100.0;

  /** One process incarnation. */
  static final class Track {
    final String name;
    final String instance;
    final long pid;
    final long firstSeen;
    long lastSeen;
    long self;
    long children;
    long hwmKb;
    long rssKb;

    Track(String name, String instance, long pid, long now) {
      this.name = name;
      this.instance = instance;
      this.pid = pid;
      this.firstSeen = now;
    }
  }

  /** What was known at a moment: per pid, its own and its children's CPU ticks. */
  record Mark(long micros, Map<Long, long[]> ticks, long machineBusy, long machineTotal) {}

  /** Resident memory of every process at one moment, in MB (10^6 bytes). */
  public record RssPoint(long micros, Map<String, Double> mb) {}

  private final Path runDir;
  private final Map<Long, Track> tracks = new LinkedHashMap<>();
  private final Map<String, Mark> marks = new HashMap<>();
  private final List<RssPoint> rss = new ArrayList<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bench-sampler");
            t.setDaemon(true);
            return t;
          });

  public ProcessSampler(Path runDir) {
    this.runDir = runDir;
    timer.scheduleAtFixedRate(this::sampleQuietly, 0, 1, TimeUnit.SECONDS);
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (RuntimeException e) {
      // A process that vanished between reading its pid and its /proc entry: next second.
    }
  }

  /** Reads every process now. */
  public synchronized void sample() {
    long now = Clock.micros();
    Map<String, Double> point = new LinkedHashMap<>();
    for (String name : NAMES) {
      for (Map.Entry<String, Long> instance : pidsOf(name).entrySet()) {
        sample(name, instance.getKey(), instance.getValue(), now, point);
      }
    }
    rss.add(new RssPoint(now, point));
  }

  private void sample(String name, String instance, long pid, long now, Map<String, Double> point) {
    long[] cpu = readStat(pid);
    if (cpu == null) {
      return;
    }
    Track t = tracks.get(pid);
    if (t == null || !t.name.equals(name)) {
      t = new Track(name, instance, pid, now);
      tracks.put(pid, t);
    }
    t.lastSeen = now;
    t.self = cpu[0];
    t.children = cpu[1];
    long[] mem = readStatus(pid);
    if (mem != null) {
      t.rssKb = mem[0];
      t.hwmKb = Math.max(t.hwmKb, mem[1]);
    }
    point.merge(name, t.rssKb * 1024 / 1e6, Double::sum);
  }

  /** Records the CPU times now under {@code label}, for {@link #window}. */
  public synchronized void mark(String label) {
    sample();
    Map<Long, long[]> ticks = new HashMap<>();
    for (Track t : tracks.values()) {
      if (t.lastSeen == rssLastTime()) {
        ticks.put(t.pid, new long[] {t.self, t.children});
      }
    }
    long[] machine = readMachine();
    marks.put(label, new Mark(Clock.micros(), ticks, machine[0], machine[1]));
  }

  private long rssLastTime() {
    return rss.isEmpty() ? 0 : rss.get(rss.size() - 1).micros();
  }

  /** Seconds between two marks; 0 when either is missing. */
  public synchronized double seconds(String from, String to) {
    Mark a = marks.get(from);
    Mark b = marks.get(to);
    return a == null || b == null ? 0 : (b.micros() - a.micros()) / 1e6;
  }

  /** Per process name: CPU seconds used between two marks, own and children's. */
  public synchronized Map<String, double[]> window(String from, String to) {
    return window(from, to, false);
  }

  /**
   * Per instance ({@code <name>}, or {@code <name>-<i>} for replicas): CPU seconds used between two
   * marks, own and children's.
   */
  public synchronized Map<String, double[]> windowByInstance(String from, String to) {
    return window(from, to, true);
  }

  private Map<String, double[]> window(String from, String to, boolean byInstance) {
    Mark a = marks.get(from);
    Mark b = marks.get(to);
    Map<String, double[]> cpu = new LinkedHashMap<>();
    if (a == null || b == null) {
      return cpu;
    }
    if (!byInstance) {
      for (String name : NAMES) {
        cpu.put(name, new double[2]);
      }
    }
    for (Track t : tracks.values()) {
      if (t.lastSeen < a.micros() || t.firstSeen > b.micros()) {
        continue;
      }
      long[] start = a.ticks().getOrDefault(t.pid, new long[] {0, 0});
      long[] end = b.ticks().getOrDefault(t.pid, new long[] {t.self, t.children});
      double[] sum = cpu.computeIfAbsent(byInstance ? t.instance : t.name, k -> new double[2]);
      sum[0] += (end[0] - start[0]) / TICKS_PER_SECOND;
      sum[1] += (end[1] - start[1]) / TICKS_PER_SECOND;
    }
    return cpu;
  }

  /** CPU seconds the whole machine was busy between two marks, and its capacity (cores × time). */
  public synchronized double[] machineWindow(String from, String to) {
    Mark a = marks.get(from);
    Mark b = marks.get(to);
    if (a == null || b == null) {
      return new double[] {0, 0};
    }
    return new double[] {
      (b.machineBusy() - a.machineBusy()) / TICKS_PER_SECOND,
      (b.machineTotal() - a.machineTotal()) / TICKS_PER_SECOND
    };
  }

  /**
   * Per process name: the highest VmHWM of any of its incarnations, MB (10^6 bytes); with replicas,
   * the sum of each instance's highest.
   */
  public synchronized Map<String, Double> peakRssMb() {
    Map<String, Double> peak = new LinkedHashMap<>();
    peakRssMbByInstance()
        .forEach((instance, mb) -> peak.merge(PidFiles.service(instance), mb, Double::sum));
    return peak;
  }

  /** Per instance: the highest VmHWM of any of its incarnations, MB. */
  public synchronized Map<String, Double> peakRssMbByInstance() {
    Map<String, Double> peak = new LinkedHashMap<>();
    for (Track t : tracks.values()) {
      peak.merge(t.instance, t.hwmKb * 1024 / 1e6, Math::max);
    }
    return peak;
  }

  /** Per instance: how many incarnations (pids) were seen. */
  public synchronized Map<String, Integer> incarnationsByInstance() {
    Map<String, Integer> n = new LinkedHashMap<>();
    for (Track t : tracks.values()) {
      n.merge(t.instance, 1, Integer::sum);
    }
    return n;
  }

  /** Per process name: how many incarnations (pids) were seen. */
  public synchronized Map<String, Integer> incarnations() {
    Map<String, Integer> n = new LinkedHashMap<>();
    for (Track t : tracks.values()) {
      n.merge(t.name, 1, Integer::sum);
    }
    return n;
  }

  /** Every incarnation seen, as {@code name,pid} lines. */
  public synchronized List<String> processes() {
    List<String> lines = new ArrayList<>();
    lines.add("name,instance,pid");
    tracks.values().forEach(t -> lines.add(t.name + "," + t.instance + "," + t.pid));
    return lines;
  }

  public synchronized List<RssPoint> rssTimeline() {
    return List.copyOf(rss);
  }

  private Map<String, Long> pidsOf(String name) {
    if ("harness".equals(name)) {
      return Map.of(name, ProcessHandle.current().pid());
    }
    return PidFiles.find(runDir, name);
  }

  /** utime+stime and cutime+cstime of {@code pid}, in ticks; null when it is gone. */
  static long[] readStat(long pid) {
    try {
      return parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException e) {
      return null;
    }
  }

  /** Fields after the command (which may hold spaces and parentheses) of a /proc/pid/stat line. */
  static long[] parseStat(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
    long utime = Long.parseLong(f[11]);
    long stime = Long.parseLong(f[12]);
    long cutime = Long.parseLong(f[13]);
    long cstime = Long.parseLong(f[14]);
    return new long[] {utime + stime, cutime + cstime};
  }

  /** VmRSS and VmHWM of {@code pid} in KiB; null when it is gone. */
  static long[] readStatus(long pid) {
    try {
      long rss = 0;
      long hwm = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kib(line);
        } else if (line.startsWith("VmHWM:")) {
          hwm = kib(line);
        }
      }
      return new long[] {rss, hwm};
    } catch (IOException e) {
      return null;
    }
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  /** Busy and total ticks of all cores, from the first line of /proc/stat. */
  static long[] readMachine() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
