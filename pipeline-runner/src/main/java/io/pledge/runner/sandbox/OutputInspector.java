package io.pledge.runner.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks what a stage left in a shared folder before anything reads it: no links (they could point
 * anywhere on the host), no special files, and no more than the configured files and bytes.
 */
public final class OutputInspector {

  private final long maxBytes;
  private final int maxFiles;

  public OutputInspector(long maxBytes, int maxFiles) {
    this.maxBytes = maxBytes;
    this.maxFiles = maxFiles;
  }

  /**
   * Why the folder cannot be used, or empty when it can.
   *
   * @param dir the host folder
   * @param mount how the stage saw it, e.g. {@code /kratix/output}, for the message
   */
  public Optional<String> violation(Path dir, String mount) {
    Counter counter = new Counter();
    try {
      return check(dir, dir, mount, counter);
    } catch (IOException e) {
      return Optional.of("cannot read " + mount + ": " + e.getMessage());
    }
  }

  private Optional<String> check(Path root, Path dir, String mount, Counter counter)
      throws IOException {
    for (Path entry : sortedEntries(dir)) {
      String rel = root.relativize(entry).toString().replace('\\', '/');
      String name = entry.getFileName().toString();
      if (name.equals("..") || name.equals(".")) {
        return Optional.of(mount + "/" + rel + " escapes " + mount);
      }
      BasicFileAttributes attrs =
          Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attrs.isSymbolicLink()) {
        String target;
        try {
          target = Files.readSymbolicLink(entry).toString();
        } catch (IOException e) {
          target = "?";
        }
        return Optional.of(
            "output escapes "
                + mount
                + ": "
                + mount
                + "/"
                + rel
                + " is a symbolic link to "
                + target
                + " (links are not allowed)");
      }
      if (attrs.isDirectory()) {
        Optional<String> inner = check(root, entry, mount, counter);
        if (inner.isPresent()) {
          return inner;
        }
      } else if (attrs.isRegularFile()) {
        counter.files++;
        counter.bytes += attrs.size();
        if (counter.files > maxFiles) {
          return Optional.of(
              mount
                  + " holds more than "
                  + maxFiles
                  + " files (limit pledge.runner.max-output-files)");
        }
        if (counter.bytes > maxBytes) {
          return Optional.of(
              mount
                  + " holds more than "
                  + maxBytes
                  + " bytes (limit pledge.runner.max-output-bytes)");
        }
      } else {
        return Optional.of(
            mount
                + "/"
                + rel
                + " is not a regular file or directory (pipes and devices are not"
                + " allowed)");
      }
    }
    return Optional.empty();
  }

  /**
   * Reads every file under {@code dir}. Call it only after {@link #violation} found nothing, once
   * no stage runs any more.
   */
  public static OutputTree read(Path dir) throws IOException {
    List<OutputTree.OutputFile> files = new ArrayList<>();
    Set<String> topLevel = new LinkedHashSet<>();
    for (Path entry : sortedEntries(dir)) {
      if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
        topLevel.add(entry.getFileName().toString());
      }
    }
    collect(dir, dir, files);
    return new OutputTree(List.copyOf(files), topLevel);
  }

  private static void collect(Path root, Path dir, List<OutputTree.OutputFile> files)
      throws IOException {
    for (Path entry : sortedEntries(dir)) {
      if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
        collect(root, entry, files);
      } else if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
        String rel = root.relativize(entry).toString().replace('\\', '/');
        files.add(new OutputTree.OutputFile(rel, Files.readAllBytes(entry)));
      }
    }
  }

  /** A directory's entries sorted by name, as Go's {@code os.ReadDir} returns them. */
  private static List<Path> sortedEntries(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.sorted((a, b) -> compareBytes(name(a), name(b))).toList();
    }
  }

  private static String name(Path p) {
    return p.getFileName().toString();
  }

  private static int compareBytes(String a, String b) {
    byte[] x = a.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] y = b.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return java.util.Arrays.compareUnsigned(x, y);
  }

  private static final class Counter {
    long files;
    long bytes;
  }
}
