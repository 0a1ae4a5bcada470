package io.pledge.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an image's configuration says about how to run it (OCI image config {@code config}).
 *
 * @param entrypoint {@code Entrypoint}, empty when unset
 * @param cmd {@code Cmd}, empty when unset
 * @param env {@code Env} as {@code NAME=value} entries, in order
 * @param workingDir {@code WorkingDir}, or null
 * @param user {@code User} ({@code uid}, {@code name}, {@code uid:gid}, {@code name:group}), or
 *     null
 */
public record ImageConfig(
    List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads an image configuration document. */
  public static ImageConfig read(Path file) throws IOException {
    return parse(JSON.readTree(Files.readAllBytes(file)));
  }

  /** Reads the {@code config} section of an image configuration document. */
  public static ImageConfig parse(JsonNode document) {
    JsonNode config = document == null ? null : document.path("config");
    if (config == null || !config.isObject()) {
      return new ImageConfig(List.of(), List.of(), List.of(), null, null);
    }
    return new ImageConfig(
        strings(config.path("Entrypoint")),
        strings(config.path("Cmd")),
        strings(config.path("Env")),
        blankToNull(config.path("WorkingDir").asText(null)),
        blankToNull(config.path("User").asText(null)));
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    if (array.isArray()) {
      array.forEach(v -> values.add(v.asText()));
    }
    return List.copyOf(values);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
