package io.pledge.contract.kratix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes structural-schema defaulting and pruning, applied to a request's {@code spec} in
 * place, before validation (as the API server does): request-intake stores what this makes of a
 * request, and {@code pledge diff} compares with it.
 *
 * <p>Defaulting: a declared property that is absent, or null while the schema is not {@code
 * nullable}, takes a copy of its {@code default}; then defaulting descends into every present
 * property (a default object gets its own nested defaults), map values and array items.
 */
public final class SchemaDefaults {

  /** Kubernetes' schema extensions that keep fields the schema does not declare. */
  static final String PRESERVE_UNKNOWN = "x-kubernetes-preserve-unknown-fields";

  static final String EMBEDDED_RESOURCE = "x-kubernetes-embedded-resource";

  private SchemaDefaults() {}

  /** Sets the schema's defaults in {@code node}, recursively. */
  public static void apply(JsonNode schema, JsonNode node) {
    if (schema == null || !schema.isObject() || node == null) {
      return;
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      JsonNode properties = schema.get("properties");
      if (properties != null && properties.isObject()) {
        Iterator<Map.Entry<String, JsonNode>> it = properties.fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> property = it.next();
          JsonNode propertySchema = property.getValue();
          JsonNode value = object.get(property.getKey());
          boolean missing =
              value == null || (value.isNull() && !propertySchema.path("nullable").asBoolean());
          if (missing && propertySchema.has("default")) {
            object.set(property.getKey(), propertySchema.get("default").deepCopy());
          }
          apply(propertySchema, object.get(property.getKey()));
        }
      }
      JsonNode additional = schema.get("additionalProperties");
      if (additional != null && additional.isObject()) {
        object
            .fields()
            .forEachRemaining(
                f -> {
                  if (properties == null || !properties.has(f.getKey())) {
                    apply(additional, f.getValue());
                  }
                });
      }
    } else if (node.isArray()) {
      JsonNode items = schema.get("items");
      if (items != null && items.isObject()) {
        node.forEach(item -> apply(items, item));
      }
    }
  }

  /**
   * Drops the fields the schema does not declare, unless it preserves unknown fields or describes a
   * map ({@code additionalProperties}); returns the JSON Pointers of what was dropped.
   */
  public static List<String> prune(JsonNode schema, JsonNode node) {
    List<String> pruned = new ArrayList<>();
    prune(schema, node, "", pruned);
    return pruned;
  }

  private static void prune(JsonNode schema, JsonNode node, String path, List<String> pruned) {
    if (schema == null || !schema.isObject() || node == null) {
      return;
    }
    if (schema.path(PRESERVE_UNKNOWN).asBoolean(false)
        || schema.path(EMBEDDED_RESOURCE).asBoolean(false)) {
      pruneDeclared(schema, node, path, pruned);
      return;
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.get("additionalProperties");
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        String child = path + "/" + escape(name);
        if (properties.has(name)) {
          prune(properties.get(name), object.get(name), child, pruned);
        } else if (additional != null && additional.isObject()) {
          prune(additional, object.get(name), child, pruned);
        } else if (additional == null || !additional.asBoolean(false)) {
          object.remove(name);
          pruned.add(child);
        }
      }
    } else if (node.isArray()) {
      JsonNode items = schema.get("items");
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        prune(items, array.get(i), path + "/" + i, pruned);
      }
    }
  }

  /** Under a preserving schema, declared properties are still pruned below themselves. */
  private static void pruneDeclared(JsonNode schema, JsonNode node, String path, List<String> out) {
    JsonNode properties = schema.path("properties");
    if (node.isObject() && properties.isObject()) {
      properties
          .fields()
          .forEachRemaining(
              p -> {
                if (node.has(p.getKey())) {
                  prune(p.getValue(), node.get(p.getKey()), path + "/" + escape(p.getKey()), out);
                }
              });
    }
  }

  public static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
