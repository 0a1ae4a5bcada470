package io.pledge.runner.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.runner.outcome.MetadataDocuments;
import io.pledge.runner.outcome.PipelineFailure;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kratix's status-writer (kratix.md §2.6): a pipeline's {@code status.yaml} is merged into the
 * object's status; top-level keys overwrite, {@code conditions} merge by {@code type}. The key
 * {@code kratix} belongs to the platform and fails the pipeline.
 */
public final class StatusMerge {

  /** The file's name inside {@code /kratix/metadata}. */
  public static final String FILE = "status.yaml";

  private StatusMerge() {}

  /**
   * The status a pipeline wrote, or null when it wrote none.
   *
   * @throws PipelineFailure when it is not a map or sets {@code kratix}
   */
  public static ObjectNode parse(String text) throws PipelineFailure {
    List<JsonNode> docs = MetadataDocuments.read(text, FILE);
    if (docs.isEmpty()) {
      return null;
    }
    if (docs.size() > 1 || !docs.get(0).isObject()) {
      throw new PipelineFailure("invalid " + FILE + ": it must be one map of status fields");
    }
    ObjectNode status = (ObjectNode) docs.get(0);
    if (status.has("kratix")) {
      throw new PipelineFailure(
          FILE + " must not set the key 'kratix': it is reserved for the platform");
    }
    return status;
  }

  /** {@code existing} with {@code incoming} merged in; neither argument is changed. */
  public static ObjectNode merge(JsonNode existing, ObjectNode incoming) {
    ObjectNode result =
        existing != null && existing.isObject()
            ? ((ObjectNode) existing).deepCopy()
            : JsonNodeFactory.instance.objectNode();
    if (incoming == null) {
      return result;
    }
    Iterator<Map.Entry<String, JsonNode>> it = incoming.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode current = result.get(field.getKey());
      if ("conditions".equals(field.getKey())
          && current != null
          && current.isArray()
          && field.getValue().isArray()) {
        result.set("conditions", mergeConditions(current, field.getValue()));
      } else {
        result.set(field.getKey(), field.getValue().deepCopy());
      }
    }
    return result;
  }

  /**
   * Conditions by type, incoming winning. Kratix's order is a map's (random); here existing types
   * keep their place and new ones follow in incoming order, so the result is deterministic.
   */
  private static ArrayNode mergeConditions(JsonNode existing, JsonNode incoming) {
    Map<String, JsonNode> byType = new LinkedHashMap<>();
    List<JsonNode> all = new ArrayList<>();
    existing.forEach(all::add);
    incoming.forEach(all::add);
    for (JsonNode condition : all) {
      JsonNode type = condition.get("type");
      if (condition.isObject() && type != null && type.isTextual()) {
        byType.put(type.asText(), condition.deepCopy());
      }
    }
    ArrayNode merged = JsonNodeFactory.instance.arrayNode();
    byType.values().forEach(merged::add);
    return merged;
  }

  /** A Promise keeps only {@code message} from status.yaml (its status has a fixed schema). */
  public static ObjectNode promiseStatus(ObjectNode incoming) {
    if (incoming == null || !incoming.has("message")) {
      return null;
    }
    ObjectNode kept = JsonNodeFactory.instance.objectNode();
    kept.set("message", incoming.get("message").deepCopy());
    return kept;
  }
}
