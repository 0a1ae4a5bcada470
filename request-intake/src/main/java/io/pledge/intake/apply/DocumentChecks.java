package io.pledge.intake.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Checks that documents of several kinds share: labels, string maps, paths, enumerations. */
final class DocumentChecks {

  private DocumentChecks() {}

  /** {@code metadata.labels}: strings, with keys and values as Kubernetes allows them. */
  static ObjectNode labels(PlannedDocument doc, JsonNode map, String path) {
    ObjectNode labels = stringMap(doc, map, path);
    labels
        .properties()
        .forEach(
            l -> {
              String where = path + "/" + pointerSegment(l.getKey());
              LabelRules.keyViolation(l.getKey()).ifPresent(v -> doc.error(where, v));
              LabelRules.valueViolation(l.getValue().asText()).ifPresent(v -> doc.error(where, v));
            });
    return labels;
  }

  /**
   * A Promise's {@code destinationSelectors[].matchLabels}: a label no Destination may carry would
   * never match, so it is refused like a bad label.
   */
  static void selectors(PlannedDocument doc, JsonNode selectors, String path) {
    if (!selectors.isArray()) {
      return; // its shape is the model's concern
    }
    for (int i = 0; i < selectors.size(); i++) {
      JsonNode matchLabels = selectors.get(i).path("matchLabels");
      if (matchLabels.isObject()) {
        labels(doc, matchLabels, path + "/" + i + "/matchLabels");
      }
    }
  }

  /** Labels and annotations: string to string, as Kubernetes requires. */
  static ObjectNode stringMap(PlannedDocument doc, JsonNode map, String path) {
    ObjectNode copy = JsonNodeFactory.instance.objectNode();
    if (map.isMissingNode() || map.isNull()) {
      return copy;
    }
    if (!map.isObject()) {
      doc.error(path, "must be a map of strings");
      return copy;
    }
    map.fields()
        .forEachRemaining(
            f -> {
              if (f.getValue().isTextual()) {
                copy.put(f.getKey(), f.getValue().asText());
              } else {
                doc.error(
                    path + "/" + f.getKey().replace("~", "~0").replace("/", "~1"),
                    "must be a string");
              }
            });
    return copy;
  }

  static void requireText(PlannedDocument doc, JsonNode spec, String field) {
    if (spec.path(field).asText("").isBlank()) {
      doc.error("/spec/" + field, "required");
    }
  }

  static void oneOf(PlannedDocument doc, JsonNode value, String path, Set<String> allowed) {
    if (value.isMissingNode() || value.isNull()) {
      return;
    }
    if (!value.isTextual() || !allowed.contains(value.asText())) {
      doc.error(path, "must be one of " + new java.util.TreeSet<>(allowed));
    }
  }

  /** State store and Destination paths are folders inside a repository or bucket: no escape. */
  static void relativePath(PlannedDocument doc, JsonNode path, String where) {
    if (path.isMissingNode() || path.isNull()) {
      return;
    }
    if (!path.isTextual()) {
      doc.error(where, "must be a string");
      return;
    }
    for (String segment : path.asText().split("/")) {
      if ("..".equals(segment)) {
        doc.error(where, "must not contain '..'");
        return;
      }
    }
    if (path.asText().contains("\\") || path.asText().indexOf('\0') >= 0) {
      doc.error(where, "must not contain '\\' or NUL");
    }
  }

  /**
   * Fields a Pledge document does not declare: rejected, or dropped, as {@code unknown-fields} says
   * for request specs. A typo such as {@code chanel} must not pass silently.
   */
  static void unknownFields(
      PlannedDocument doc, ObjectNode node, String path, Set<String> allowed, boolean reject) {
    List<String> unknownNames = new ArrayList<>();
    node.fieldNames()
        .forEachRemaining(
            f -> {
              if (!allowed.contains(f)) {
                unknownNames.add(f);
              }
            });
    for (String f : unknownNames) {
      if (reject) {
        doc.error(path + "/" + pointerSegment(f), "unknown field");
      } else {
        node.remove(f);
      }
    }
  }

  static String pointerSegment(String field) {
    return field.replace("~", "~0").replace("/", "~1");
  }
}
