package io.pledge.runner.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.runner.outcome.PipelineFailure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code /kratix/metadata/destination-selectors.yaml} and validates it as Kratix's
 * work-creator does: every entry needs non-empty {@code matchLabels}, a directory appears once, and
 * a directory is a top-level folder of {@code /kratix/output} (no {@code /}); a missing or {@code
 * .} directory means the default group.
 */
public final class DestinationSelectorsFile {

  /** The file's name inside {@code /kratix/metadata}. */
  public static final String NAME = "destination-selectors.yaml";

  /** The directory of the default workload group. */
  public static final String ROOT = ".";

  /**
   * One entry.
   *
   * @param directory a cleaned top-level directory, or {@code .}
   * @param matchLabels the labels a Destination must carry
   */
  public record Entry(String directory, Map<String, String> matchLabels) {
    public boolean isDefault() {
      return ROOT.equals(directory);
    }
  }

  private DestinationSelectorsFile() {}

  /** The entries of {@code text}; empty for an absent or empty file. */
  public static List<Entry> parse(String text) throws PipelineFailure {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    JsonNode root;
    try {
      root = KratixDocuments.YAML.readTree(text);
    } catch (java.io.IOException e) {
      throw new PipelineFailure("invalid " + NAME + ": " + firstLine(e.getMessage()));
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return List.of();
    }
    if (!root.isArray()) {
      throw new PipelineFailure(
          "invalid " + NAME + ": expected a list of {directory, matchLabels} entries");
    }
    List<JsonNode> items = new ArrayList<>();
    root.forEach(items::add);
    List<Entry> entries = new ArrayList<>();
    for (JsonNode item : items) {
      if (!item.isObject()) {
        throw new PipelineFailure(
            "invalid " + NAME + ": expected a list of {directory, matchLabels} entries");
      }
      entries.add(
          new Entry(clean(item.path("directory").asText("")), labels(item.path("matchLabels"))));
    }
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).matchLabels().isEmpty()) {
        throw new PipelineFailure(
            "invalid " + NAME + ": entry with index " + i + " has no selectors");
      }
    }
    Set<String> seen = new HashSet<>();
    for (Entry entry : entries) {
      if (!seen.add(entry.directory())) {
        throw new PipelineFailure(
            "duplicate entries in " + NAME + ": directory " + entry.directory() + " appears twice");
      }
    }
    for (Entry entry : entries) {
      String dir = entry.directory();
      if (dir.equals("..") || dir.startsWith("../")) {
        throw new PipelineFailure(
            "invalid directory in " + NAME + ": " + dir + " escapes /kratix/output");
      }
      if (dir.contains("/")) {
        throw new PipelineFailure(
            "invalid directory in " + NAME + ": " + dir + ", sub-directories are not allowed");
      }
    }
    return List.copyOf(entries);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Go's {@code filepath.Clean} for the cases that matter here. */
  static String clean(String directory) {
    if (directory == null || directory.isBlank()) {
      return ROOT;
    }
    boolean absolute = directory.startsWith("/");
    String normal = Path.of(directory).normalize().toString();
    if (normal.isEmpty()) {
      return ROOT;
    }
    return absolute && !normal.startsWith("/") ? "/" + normal : normal;
  }

  private static Map<String, String> labels(JsonNode node) throws PipelineFailure {
    Map<String, String> labels = new LinkedHashMap<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return labels;
    }
    if (!node.isObject()) {
      throw new PipelineFailure("invalid " + NAME + ": matchLabels must be a map");
    }
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new PipelineFailure(
            "invalid " + NAME + ": label " + e.getKey() + " must have a plain value");
      }
      labels.put(e.getKey(), e.getValue().asText());
    }
    return labels;
  }
}
