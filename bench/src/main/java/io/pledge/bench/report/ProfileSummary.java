package io.pledge.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the services spent their CPU, from the flight recordings {@code bench/run --profile} makes
 * ({@code jfr/*.jfr}, one per service process, written when {@code deploy/local/down} stops it):
 * per service, the methods most often on top of the stack in {@code jdk.ExecutionSample}s, and the
 * Pledge methods (the first {@code io.pledge} frame from the top) the samples were under. Appended
 * to {@code report.md}.
 *
 * <pre>java -cp pledge-bench.jar io.pledge.bench.report.ProfileSummary bench/results/RUN</pre>
 */
public final class ProfileSummary {

  static final Pattern PID = Pattern.compile("pid-(\\d+)");
  static final int TOP = 12;

  private ProfileSummary() {}

  public static void main(String[] args) throws IOException {
    Path run = Path.of(args[0]);
    Path dir = run.resolve("jfr");
    if (!Files.isDirectory(dir)) {
      System.err.println("no recordings in " + dir);
      return;
    }
    Map<Long, String> names = processNames(run.resolve("processes.csv"));
    StringBuilder md = new StringBuilder("\n## Profile (JFR execution samples)\n");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".jfr")).sorted().toList();
    }
    for (Path file : files) {
      Matcher m = PID.matcher(file.getFileName().toString());
      String name =
          m.find()
              ? names.getOrDefault(Long.parseLong(m.group(1)), "pid " + m.group(1))
              : file.toString();
      md.append(section(name, file));
    }
    Files.writeString(run.resolve("profile.md"), md.toString());
    Path report = run.resolve("report.md");
    if (Files.exists(report)) {
      Files.writeString(report, md.toString(), StandardOpenOption.APPEND);
    }
    System.out.print(md);
  }

  static String section(String name, Path file) throws IOException {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> pledge = new HashMap<>();
    int samples = 0;
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent e = recording.readEvent();
        if (!"jdk.ExecutionSample".equals(e.getEventType().getName())) {
          continue;
        }
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        samples++;
        List<RecordedFrame> frames = stack.getFrames();
        self.merge(method(frames.get(0)), 1, Integer::sum);
        for (RecordedFrame f : frames) {
          String method = method(f);
          if (method.startsWith("io.pledge.")) {
            pledge.merge(method, 1, Integer::sum);
            break;
          }
        }
      }
    }
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "%n### %s (%d samples)%n%n", name, samples));
    md.append("| on top of the stack | share | under Pledge method | share |\n|---|---|---|---|\n");
    List<Map.Entry<String, Integer>> a = top(self);
    List<Map.Entry<String, Integer>> b = top(pledge);
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      md.append("| ")
          .append(i < a.size() ? "`" + a.get(i).getKey() + "`" : "")
          .append(" | ")
          .append(i < a.size() ? percent(a.get(i).getValue(), samples) : "")
          .append(" | ")
          .append(i < b.size() ? "`" + b.get(i).getKey() + "`" : "")
          .append(" | ")
          .append(i < b.size() ? percent(b.get(i).getValue(), samples) : "")
          .append(" |\n");
    }
    return md.toString();
  }

  static String method(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static List<Map.Entry<String, Integer>> top(Map<String, Integer> counts) {
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
    entries.sort((x, y) -> Integer.compare(y.getValue(), x.getValue()));
    return entries.subList(0, Math.min(TOP, entries.size()));
  }

  private static String percent(int n, int total) {
    return String.format(Locale.ROOT, "%.1f%%", 100.0 * n / Math.max(1, total));
  }

  /** pid → process name, from the harness's {@code processes.csv} ({@code name,pid}). */
  static Map<Long, String> processNames(Path csv) throws IOException {
    Map<Long, String> names = new LinkedHashMap<>();
    if (!Files.exists(csv)) {
      return names;
    }
    for (String line : Files.readAllLines(csv)) {
      String[] parts = line.split(",");
      if (parts.length == 2 && parts[1].matches("\\d+")) {
        names.put(Long.parseLong(parts[1]), parts[0]);
      }
    }
    return names;
  }
}
