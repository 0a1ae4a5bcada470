package io.pledge.cli;

import io.pledge.contract.kratix.KratixDocuments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What {@code -f} names, as kubectl reads it: a file, {@code -} for standard input, or a
 * directory's {@code .yaml}, {@code .yml} and {@code .json} files in name order (with {@code -R},
 * its subdirectories' too).
 */
final class Manifests {

  private Manifests() {}

  /**
   * The content of each file, in order. Every file is read and parsed before any is answered, so
   * that one that is not YAML stops the whole call, named, before anything is applied.
   */
  static List<byte[]> read(CliContext context, List<String> names, boolean recursive)
      throws IOException {
    List<byte[]> contents = new ArrayList<>();
    for (String name : names) {
      if (name.equals("-")) {
        contents.add(wellFormed("standard input", context.in().readAllBytes()));
        continue;
      }
      Path path = context.workDir().resolve(name);
      if (!Files.exists(path)) {
        throw new NoSuchFileException(name, null, "the path does not exist");
      }
      if (!Files.isDirectory(path)) {
        contents.add(wellFormed(name, Files.readAllBytes(path)));
        continue;
      }
      for (Path manifest : manifests(path, recursive)) {
        contents.add(
            wellFormed(
                context.workDir().relativize(manifest).toString(), Files.readAllBytes(manifest)));
      }
    }
    return contents;
  }

  /** {@code bytes}, when they are YAML or JSON documents; else why not, naming {@code file}. */
  private static byte[] wellFormed(String file, byte[] bytes) {
    try {
      KratixDocuments.readAll(new String(bytes, StandardCharsets.UTF_8));
      return bytes;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          file + " is not YAML or JSON, so no file was sent: " + e.getMessage(), e);
    }
  }

  private static List<Path> manifests(Path dir, boolean recursive) throws IOException {
    try (Stream<Path> walk = recursive ? Files.walk(dir) : Files.list(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(
              p -> {
                String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
              })
          .sorted()
          .toList();
    }
  }
}
