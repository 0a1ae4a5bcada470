package io.pledge.runner.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Expands catalog paths and globs (e.g. {@code examples/*}{@code /images.yaml}) to files. */
public final class CatalogLocator {

  private CatalogLocator() {}

  /**
   * The files that {@code patterns} name, relative to {@code base} unless absolute; each pattern's
   * matches in lexical order, patterns in the order given. Missing paths are skipped.
   */
  public static List<Path> locate(List<String> patterns, Path base) {
    List<Path> files = new ArrayList<>();
    for (String pattern : patterns) {
      if (pattern == null || pattern.isBlank()) {
        continue;
      }
      for (Path file : expand(pattern.trim(), base)) {
        if (!files.contains(file)) {
          files.add(file);
        }
      }
    }
    return files;
  }

  private static List<Path> expand(String pattern, Path base) {
    if (!hasGlob(pattern)) {
      Path file = base.resolve(pattern).toAbsolutePath().normalize();
      return Files.isRegularFile(file) ? List.of(file) : List.of();
    }
    // Walk from the longest directory prefix that holds no glob character.
    String[] parts = pattern.split("/", -1);
    StringBuilder root = new StringBuilder(pattern.startsWith("/") ? "/" : "");
    int firstGlob = 0;
    while (firstGlob < parts.length && !hasGlob(parts[firstGlob])) {
      if (!parts[firstGlob].isEmpty()) {
        root.append(parts[firstGlob]).append('/');
      }
      firstGlob++;
    }
    Path start = base.resolve(root.length() == 0 ? "." : root.toString()).toAbsolutePath();
    start = start.normalize();
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    String rest = String.join("/", List.of(parts).subList(firstGlob, parts.length));
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
    int depth = rest.contains("**") ? Integer.MAX_VALUE : parts.length - firstGlob;
    final Path from = start;
    try (Stream<Path> walk = Files.walk(from, depth)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> matcher.matches(from.relativize(p)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list image catalogs under " + from, e);
    }
  }

  private static boolean hasGlob(String s) {
    return s.contains("*") || s.contains("?") || s.contains("[") || s.contains("{");
  }
}
