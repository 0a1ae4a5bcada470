package io.pledge.runner.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks what a stage left in a shared folder before anything reads it: no links (they could point
 * anywhere on the host), no special files, no more than the configured entries (files and empty
 * directories, so that empty directories cannot pile up either) and bytes, and in /kratix/output
 * only names that can become paths in a Work ({@link EntryName}).
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
    // Only output names become paths in Works; metadata holds scratch files the runner never reads
    // but by their fixed names.
    boolean names = RunFolders.OUTPUT.equals(mount);
    try {
      return check(dir, "", mount, names, counter);
    } catch (IOException e) {
      return Optional.of("cannot read " + mount + ": " + e.getMessage());
    }
  }

  private Optional<String> check(
      Path dir, String parent, String mount, boolean names, Counter counter) throws IOException {
    List<Path> entries = sortedEntries(dir);
    // An empty directory is an entry of its own: thousands of them must not pass for nothing.
    if (entries.isEmpty() && !parent.isEmpty() && ++counter.entries > maxFiles) {
      return Optional.of(tooMany(mount));
    }
    for (Path entry : entries) {
      EntryName entryName = EntryName.of(entry);
      if (names) {
        byte[] shown =
            concat((mount + "/" + parent).getBytes(StandardCharsets.UTF_8), entryName.bytes());
        String refused = entryName.refusal(EntryName.quote(shown));
        if (refused != null) {
          return Optional.of(refused);
        }
      }
      String rel = parent + entryName.lenient();
      if (rel.endsWith("/..") || rel.endsWith("/.") || rel.equals("..") || rel.equals(".")) {
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
        Optional<String> inner = check(entry, rel + "/", mount, names, counter);
        if (inner.isPresent()) {
          return inner;
        }
      } else if (attrs.isRegularFile()) {
        if (++counter.entries > maxFiles) {
          return Optional.of(tooMany(mount));
        }
        counter.bytes += attrs.size();
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

  private String tooMany(String mount) {
    return mount
        + " holds more than "
        + maxFiles
        + " files and empty directories (limit pledge.runner.max-output-files)";
  }

  /**
   * Reads every file under {@code dir}. Call it only after {@link #violation} found nothing, once
   * no stage runs any more.
   *
   * @throws IOException also when a name cannot become a path (which {@link #violation} reports)
   */
  public static OutputTree read(Path dir) throws IOException {
    List<OutputTree.OutputFile> files = new ArrayList<>();
    Set<String> topLevel = new LinkedHashSet<>();
    for (Path entry : sortedEntries(dir)) {
      if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
        topLevel.add(pathName(entry, ""));
      }
    }
    collect(dir, "", files);
    return new OutputTree(List.copyOf(files), topLevel);
  }

  private static void collect(Path dir, String parent, List<OutputTree.OutputFile> files)
      throws IOException {
    for (Path entry : sortedEntries(dir)) {
      if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
        collect(entry, parent + pathName(entry, parent) + "/", files);
      } else if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
        String rel = parent + pathName(entry, parent);
        files.add(new OutputTree.OutputFile(rel, Files.readAllBytes(entry)));
      }
    }
  }

  /** The entry's name, from its bytes, as it goes into a Work's path. */
  private static String pathName(Path entry, String parent) throws IOException {
    EntryName name = EntryName.of(entry);
    String refused =
        name.refusal(
            EntryName.quote(
                concat(
                    (RunFolders.OUTPUT + "/" + parent).getBytes(StandardCharsets.UTF_8),
                    name.bytes())));
    if (refused != null) {
      throw new IOException(refused);
    }
    return name.lenient();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
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
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    return Arrays.compareUnsigned(x, y);
  }

  private static final class Counter {
    long entries;
    long bytes;
  }
}
