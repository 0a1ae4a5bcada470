package io.pledge.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes small stage scripts as image folders plus the images.yaml that maps them. */
public final class StageImages {

  private final Path dir;
  private final Map<String, String> images = new LinkedHashMap<>();

  public StageImages(Path dir) {
    this.dir = dir;
  }

  /** Maps {@code image} to a folder whose executable entrypoint is {@code script}. */
  public StageImages add(String image, String script) {
    String folder = image.replaceAll("[^A-Za-z0-9]", "-");
    try {
      Path d = Files.createDirectories(dir.resolve(folder));
      Path entrypoint = d.resolve("entrypoint");
      Files.writeString(entrypoint, script);
      Files.setPosixFilePermissions(entrypoint, PosixFilePermissions.fromString("rwxr-xr-x"));
      images.put(image, folder);
      StringBuilder yaml = new StringBuilder("images:\n");
      images.forEach((k, v) -> yaml.append("  \"").append(k).append("\": ").append(v).append('\n'));
      Files.writeString(catalog(), yaml.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public Path catalog() {
    return dir.resolve("images.yaml");
  }
}
