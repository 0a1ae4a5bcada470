package io.pledge.runner.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps container images to local folders: the local sandbox's stand-in for a registry. A catalog
 * file reads
 *
 * <pre>
 * images:
 *   pledge.io/examples/postgres-configure:v1: pipeline/configure   # relative to this file
 * </pre>
 *
 * and each folder holds an executable {@code entrypoint}. When two catalogs name one image, the
 * first catalog wins.
 */
public final class ImageCatalog {

  /** The name of the executable every image folder holds. */
  public static final String ENTRYPOINT = "entrypoint";

  private final Map<String, Path> folders;

  private ImageCatalog(Map<String, Path> folders) {
    this.folders = Collections.unmodifiableMap(folders);
  }

  public static ImageCatalog empty() {
    return new ImageCatalog(Map.of());
  }

  /** Reads the catalog files in order; the first mapping of an image wins. */
  public static ImageCatalog load(List<Path> catalogFiles) {
    Map<String, Path> folders = new LinkedHashMap<>();
    for (Path file : catalogFiles) {
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read image catalog " + file, e);
      }
      parse(file, text).forEach(folders::putIfAbsent);
    }
    return new ImageCatalog(folders);
  }

  /**
   * The mappings of one catalog text, folders resolved against the directory of {@code file}.
   *
   * @throws IllegalArgumentException when the text is not a catalog
   */
  static Map<String, Path> parse(Path file, String text) {
    Map<String, Path> folders = new LinkedHashMap<>();
    List<JsonNode> docs = KratixDocuments.readAll(text);
    if (docs.isEmpty()) {
      return folders;
    }
    JsonNode images = docs.get(0).path("images");
    if (!images.isObject()) {
      throw new IllegalArgumentException(
          "image catalog " + file + " has no 'images' map (image name: folder)");
    }
    Path base = file.toAbsolutePath().normalize().getParent();
    Iterator<Map.Entry<String, JsonNode>> it = images.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().isTextual() || entry.getValue().asText().isBlank()) {
        throw new IllegalArgumentException(
            "image catalog " + file + ": image " + entry.getKey() + " must map to a folder path");
      }
      folders.put(entry.getKey(), base.resolve(entry.getValue().asText()).normalize());
    }
    return folders;
  }

  /** The folder of {@code image}, if a catalog maps it. */
  public Optional<Path> folder(String image) {
    return Optional.ofNullable(image).map(folders::get);
  }

  /** Every mapping, in catalog order. */
  public Map<String, Path> images() {
    return folders;
  }
}
