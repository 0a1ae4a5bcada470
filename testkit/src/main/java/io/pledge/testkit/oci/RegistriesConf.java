package io.pledge.testkit.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes a registries.conf v2 file, as a platform team would, for tests. */
public final class RegistriesConf {

  private RegistriesConf() {}

  /**
   * A file where each {@code prefix} is pulled from {@code location} instead (a remap), over plain
   * HTTP (the test registry is on loopback).
   */
  public static Path remap(Path file, Map<String, String> prefixToLocation) {
    StringBuilder toml = new StringBuilder("unqualified-search-registries = [\"docker.io\"]\n");
    prefixToLocation.forEach(
        (prefix, location) ->
            toml.append("\n[[registry]]\nprefix = \"")
                .append(prefix)
                .append("\"\nlocation = \"")
                .append(location)
                .append("\"\ninsecure = true\n"));
    return write(file, toml.toString());
  }

  /** A file where {@code prefix} keeps its location but is pulled from {@code mirror} first. */
  public static Path mirror(Path file, String prefix, String mirror) {
    return write(
        file,
        "unqualified-search-registries = [\"docker.io\"]\n\n[[registry]]\nprefix = \""
            + prefix
            + "\"\nlocation = \""
            + prefix
            + "\"\n\n[[registry.mirror]]\nlocation = \""
            + mirror
            + "\"\ninsecure = true\n");
  }

  private static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
