package io.pledge.intake.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Turns a Kubernetes CRD's OpenAPI v3 (structural) schema into a JSON Schema 2020-12 document the
 * validator understands. OpenAPI v3.0 differs from JSON Schema in a few keywords ({@code nullable},
 * boolean {@code exclusiveMinimum}), and Kubernetes adds extensions ({@code
 * x-kubernetes-preserve-unknown-fields}, {@code x-kubernetes-int-or-string}, {@code
 * x-kubernetes-embedded-resource}). Keywords the validator has no use for are dropped, so an
 * unknown extension never makes a Promise unusable.
 */
public final class OpenApiSchemaConverter {

  static final String PRESERVE_UNKNOWN = "x-kubernetes-preserve-unknown-fields";
  static final String INT_OR_STRING = "x-kubernetes-int-or-string";
  static final String EMBEDDED_RESOURCE = "x-kubernetes-embedded-resource";

  /** Copied as they are: their meaning is the same in OpenAPI v3 and JSON Schema 2020-12. */
  private static final Set<String> VERBATIM =
      Set.of(
          "type",
          "required",
          "enum",
          "pattern",
          "minimum",
          "maximum",
          "minLength",
          "maxLength",
          "minItems",
          "maxItems",
          "uniqueItems",
          "minProperties",
          "maxProperties",
          "multipleOf",
          "default",
          "description",
          "title",
          "format");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private OpenApiSchemaConverter() {}

  /**
   * @param openApi one OpenAPI v3 schema object (e.g. the CRD's {@code properties.spec})
   * @param closeObjects when true, objects that declare properties and neither {@code
   *     additionalProperties} nor {@code x-kubernetes-preserve-unknown-fields} reject undeclared
   *     fields, as {@code kubectl --validate=strict} does
   * @return a JSON Schema 2020-12 document
   * @throws IllegalArgumentException when a keyword holds a value of the wrong shape
   */
  public static ObjectNode convert(JsonNode openApi, boolean closeObjects) {
    ObjectNode root = convertNode(openApi, closeObjects, "#");
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    return root;
  }

  private static ObjectNode convertNode(JsonNode in, boolean close, String where) {
    ObjectNode out = NODES.objectNode();
    if (in == null || in.isNull() || in.isMissingNode()) {
      return out;
    }
    if (!in.isObject()) {
      throw new IllegalArgumentException(where + " must be a schema object");
    }
    boolean preserve =
        in.path(PRESERVE_UNKNOWN).asBoolean(false) || in.path(EMBEDDED_RESOURCE).asBoolean(false);
    Iterator<Map.Entry<String, JsonNode>> fields = in.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      JsonNode value = field.getValue();
      if (VERBATIM.contains(key)) {
        out.set(key, value.deepCopy());
        continue;
      }
      switch (key) {
        case "properties" -> {
          requireObject(value, where + "/properties");
          ObjectNode properties = out.putObject("properties");
          value
              .fields()
              .forEachRemaining(
                  p ->
                      properties.set(
                          p.getKey(),
                          convertNode(p.getValue(), close, where + "/properties/" + p.getKey())));
        }
        case "additionalProperties" -> {
          if (value.isBoolean()) {
            out.put("additionalProperties", value.asBoolean());
          } else {
            out.set(
                "additionalProperties", convertNode(value, close, where + "/additionalProperties"));
          }
        }
        case "items" -> {
          if (value.isArray()) {
            // OpenAPI allows only one items schema; take the tuple form's first as Kubernetes does.
            out.set("items", convertNode(value.path(0), close, where + "/items"));
          } else {
            out.set("items", convertNode(value, close, where + "/items"));
          }
        }
        case "allOf", "anyOf", "oneOf" -> {
          if (!value.isArray()) {
            throw new IllegalArgumentException(where + "/" + key + " must be a list");
          }
          ArrayNode list = out.putArray(key);
          for (int i = 0; i < value.size(); i++) {
            // Branches of a structural schema only constrain; closing them would reject fields
            // the enclosing schema declares.
            list.add(convertNode(value.get(i), false, where + "/" + key + "/" + i));
          }
        }
        case "not" -> out.set("not", convertNode(value, false, where + "/not"));
        default -> {
          // exclusiveMinimum/Maximum, nullable and the x-kubernetes-* extensions are handled
          // below; everything else (example, externalDocs, CEL validations) is not validated.
        }
      }
    }
    exclusiveBound(in, out, "exclusiveMinimum", "minimum");
    exclusiveBound(in, out, "exclusiveMaximum", "maximum");
    if (in.path(INT_OR_STRING).asBoolean(false)) {
      out.remove("type");
      if (!out.has("anyOf")) {
        ArrayNode anyOf = out.putArray("anyOf");
        anyOf.addObject().put("type", "integer");
        anyOf.addObject().put("type", "string");
      }
    }
    if (preserve) {
      out.remove("additionalProperties");
    } else if (close && isObjectSchema(out) && !out.has("additionalProperties")) {
      out.put("additionalProperties", false);
    }
    if (in.path("nullable").asBoolean(false)) {
      allowNull(out);
    }
    return out;
  }

  private static boolean isObjectSchema(ObjectNode schema) {
    return schema.has("properties") || "object".equals(schema.path("type").asText(null));
  }

  /** OpenAPI v3.0 spells an exclusive bound as a boolean next to the bound itself. */
  private static void exclusiveBound(JsonNode in, ObjectNode out, String exclusive, String bound) {
    JsonNode flag = in.get(exclusive);
    if (flag == null) {
      return;
    }
    if (flag.isBoolean()) {
      if (flag.asBoolean() && in.has(bound)) {
        out.set(exclusive, in.get(bound).deepCopy());
        out.remove(bound);
      }
    } else if (flag.isNumber()) {
      out.set(exclusive, flag.deepCopy());
    }
  }

  private static void allowNull(ObjectNode out) {
    JsonNode type = out.get("type");
    if (type != null && type.isTextual()) {
      ArrayNode types = NODES.arrayNode().add(type.asText()).add("null");
      out.set("type", types);
    }
    JsonNode values = out.get("enum");
    if (values != null && values.isArray()) {
      boolean hasNull = false;
      for (JsonNode v : values) {
        hasNull |= v.isNull();
      }
      if (!hasNull) {
        ((ArrayNode) values).addNull();
      }
    }
  }

  private static void requireObject(JsonNode value, String where) {
    if (!value.isObject()) {
      throw new IllegalArgumentException(where + " must be a map of schemas");
    }
  }
}
