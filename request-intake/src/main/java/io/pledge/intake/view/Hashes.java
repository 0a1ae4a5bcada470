package io.pledge.intake.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.TreeMap;

/**
 * Content hashes that decide whether an apply changes anything: hex SHA-256 of canonical JSON
 * (object keys sorted, no whitespace), so key order and formatting in the submitted YAML do not
 * matter.
 */
public final class Hashes {

  private Hashes() {}

  /** The hash of a document's {@code spec} (absent counts as empty). */
  public static String spec(JsonNode document) {
    JsonNode spec = document.path("spec");
    return of(spec.isMissingNode() || spec.isNull() ? JsonNodeFactory.instance.objectNode() : spec);
  }

  /** The hash of a document's labels and annotations. */
  public static String meta(JsonNode document) {
    ObjectNode meta = JsonNodeFactory.instance.objectNode();
    JsonNode metadata = document.path("metadata");
    meta.set("labels", emptyIfAbsent(metadata.path("labels")));
    meta.set("annotations", emptyIfAbsent(metadata.path("annotations")));
    return of(meta);
  }

  /** The hash of any JSON value. */
  public static String of(JsonNode node) {
    StringBuilder canonical = new StringBuilder();
    write(node, canonical);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(sha.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Canonical JSON: sorted keys, no whitespace, Jackson's own escaping of scalars. */
  static void write(JsonNode node, StringBuilder out) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      Iterator<java.util.Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        var e = it.next();
        sorted.put(e.getKey(), e.getValue());
      }
      out.append('{');
      boolean first = true;
      for (var e : sorted.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        out.append(JsonNodeFactory.instance.textNode(e.getKey()).toString()).append(':');
        write(e.getValue(), out);
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(node.get(i), out);
      }
      out.append(']');
    } else {
      out.append(node.toString());
    }
  }

  private static JsonNode emptyIfAbsent(JsonNode node) {
    return node.isObject() ? node : JsonNodeFactory.instance.objectNode();
  }
}
