package io.pledge.bench.verify;

/** A benchmark manifest found in the state store: which resource, generation and request. */
public record Manifest(String key, long generation, long seq, String path) {

  /** Reads the stage's ConfigMap ({@code data.generation}, {@code data.seq}); -1 where absent. */
  public static Manifest parse(String key, String path, String content) {
    return new Manifest(key, field(content, "generation"), field(content, "seq"), path);
  }

  static long field(String content, String name) {
    for (String line : content.split("\n")) {
      String t = line.trim();
      if (t.startsWith(name + ":")) {
        String v = t.substring(name.length() + 1).trim().replace("\"", "");
        try {
          return Long.parseLong(v);
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }
}
