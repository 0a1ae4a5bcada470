package io.pledge.testkit.layering;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the compiled classes of a module depend on, as the JDK's {@code jdeps} reads them from the
 * class files (so a fully qualified name or a nested class counts as much as an import), for tests
 * that keep a layering rule: {@code ClassDependencies.of(StateWriter.class).from(List.of(
 * "io.pledge.writer.scheduling"), "io.pledge.kafka")} must be empty.
 */
public final class ClassDependencies {

  private final Path classes;

  private ClassDependencies(Path classes) {
    this.classes = classes;
  }

  /** The classes compiled beside {@code anchor} (its module's {@code target/classes}). */
  public static ClassDependencies of(Class<?> anchor) {
    try {
      Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isDirectory(root)) {
        throw new IllegalArgumentException(anchor + " is not in a classes directory: " + root);
      }
      return new ClassDependencies(root);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Each dependency, as {@code "a.B -> c.D"}, of a class in one of {@code packages} (or below) on a
   * class in {@code target} (or below). A package without classes is an error, so that a renamed
   * package does not leave a rule that checks nothing.
   */
  public List<String> from(Collection<String> packages, String target) {
    for (String name : packages) {
      requireClasses(name);
    }
    String sources =
        packages.stream().map(ClassDependencies::under).collect(Collectors.joining("|"));
    ToolProvider jdeps =
        ToolProvider.findFirst("jdeps")
            .orElseThrow(() -> new IllegalStateException("this JDK has no jdeps"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "-verbose:class",
            "-include",
            sources,
            "-e",
            under(target),
            classes.toString());
    if (exit != 0) {
      throw new IllegalStateException("jdeps failed (" + exit + "): " + err + out);
    }
    List<String> found = new ArrayList<>();
    for (String line : out.toString().split("\\R")) {
      // Class lines are indented; the unindented ones are per-archive summaries.
      String[] words = line.trim().split("\\s+");
      if (line.startsWith(" ") && words.length >= 3 && words[1].equals("->")) {
        found.add(words[0] + " -> " + words[2]);
      }
    }
    return found;
  }

  private void requireClasses(String name) {
    Path folder = classes.resolve(name.replace('.', '/'));
    try (Stream<Path> files = Files.isDirectory(folder) ? Files.walk(folder) : Stream.empty()) {
      if (files.noneMatch(f -> f.toString().endsWith(".class"))) {
        throw new IllegalArgumentException("no classes in package " + name + " under " + classes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String under(String name) {
    return Pattern.quote(name) + "\\..*";
  }
}
