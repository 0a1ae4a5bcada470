package io.pledge.runner.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host folders behind {@code /kratix/input}, {@code /kratix/output} and {@code
 * /kratix/metadata} for one pipeline attempt. They live under one root that {@link #delete()}
 * removes without following links.
 */
public record RunFolders(Path root, Path input, Path output, Path metadata) {

  public static final String INPUT = "/kratix/input";
  public static final String OUTPUT = "/kratix/output";
  public static final String METADATA = "/kratix/metadata";

  /** Creates fresh, empty folders in a new directory under {@code parent}. */
  public static RunFolders create(Path parent, String prefix) throws IOException {
    Files.createDirectories(parent);
    Path root = Files.createTempDirectory(parent, sanitize(prefix) + "-");
    RunFolders folders =
        new RunFolders(
            root, root.resolve("input"), root.resolve("output"), root.resolve("metadata"));
    Files.createDirectory(folders.input());
    Files.createDirectory(folders.output());
    Files.createDirectory(folders.metadata());
    return folders;
  }

  /** Removes the folders; links inside them are removed, never followed. */
  public void delete() throws IOException {
    Trees.delete(root);
  }

  private static String sanitize(String prefix) {
    String clean = prefix == null ? "run" : prefix.replaceAll("[^A-Za-z0-9_.-]", "_");
    return clean.length() > 60 ? clean.substring(0, 60) : clean;
  }
}
