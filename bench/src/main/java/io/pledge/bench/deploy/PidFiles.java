package io.pledge.bench.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The pid files of one process name in {@code $PLEDGE_HOME/run}: {@code <name>.pid} for a single
 * instance, and {@code <name>-<i>.pid} for each of several replicas (issue #15), so the harness
 * follows both layouts.
 */
public final class PidFiles {

  private PidFiles() {}

  /**
   * Instance name ({@code <name>} or {@code <name>-<i>}) to the pid recorded for it, the single
   * instance first, then by {@code i}. Unreadable files are left out.
   */
  public static Map<String, Long> find(Path runDir, String name) {
    Pattern pattern = Pattern.compile(Pattern.quote(name) + "(?:-(\\d+))?\\.pid");
    List<Path> files;
    try (Stream<Path> list = Files.list(runDir)) {
      files = list.toList();
    } catch (IOException e) {
      return Map.of();
    }
    record Found(String instance, int index, long pid) {}
    return files.stream()
        .map(
            f -> {
              Matcher m = pattern.matcher(f.getFileName().toString());
              if (!m.matches()) {
                return null;
              }
              long pid = read(f);
              if (pid <= 0) {
                return null;
              }
              int index = m.group(1) == null ? -1 : Integer.parseInt(m.group(1));
              return new Found(index < 0 ? name : name + "-" + index, index, pid);
            })
        .filter(java.util.Objects::nonNull)
        .sorted(Comparator.comparingInt(Found::index))
        .collect(
            LinkedHashMap::new, (map, f) -> map.put(f.instance(), f.pid()), LinkedHashMap::putAll);
  }

  /** The service an instance name belongs to: {@code notifier-2} → {@code notifier}. */
  public static String service(String instance) {
    return instance.replaceFirst("-\\d+$", "");
  }

  private static long read(Path file) {
    try {
      return Long.parseLong(Files.readString(file).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }
}
