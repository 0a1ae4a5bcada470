package io.pledge.writer.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code .kratix/<namespace>-<placement>.yaml} state file of the {@code none} filepath mode:
 * {@code files: [...]}, the paths a placement wrote, relative to the state store's path. Written
 * the way Kratix's YAML marshaller writes it, so either can read the other's.
 */
public final class KratixStateFile {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private KratixStateFile() {}

  /** The state file listing {@code files}. */
  public static byte[] render(List<String> files) {
    if (files.isEmpty()) {
      return "files: []\n".getBytes(StandardCharsets.UTF_8);
    }
    StringBuilder yaml = new StringBuilder("files:\n");
    for (String file : files) {
      yaml.append("- ").append(scalar(file)).append('\n');
    }
    return yaml.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The paths a state file lists; none for an empty or unreadable one (a damaged state file must
   * not stop the write that replaces it).
   */
  public static List<String> parse(byte[] content) {
    List<String> files = new ArrayList<>();
    if (content == null || content.length == 0) {
      return files;
    }
    try {
      JsonNode node = YAML.readTree(content);
      JsonNode list = node == null ? null : node.get("files");
      if (list != null && list.isArray()) {
        list.forEach(f -> files.add(f.asText()));
      }
    } catch (IOException e) {
      // unreadable: as if empty
    }
    return files;
  }

  /** Plain paths stay plain; anything YAML would misread is double-quoted. */
  private static String scalar(String value) {
    boolean plain =
        value.matches("[A-Za-z0-9_./][A-Za-z0-9_./ -]*")
            && !value.endsWith(" ")
            && !value.matches(
                "(?i)(true|false|yes|no|on|off|null|~|[-+]?[0-9.]+([eE][-+]?[0-9]+)?)");
    if (plain) {
      return value;
    }
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
