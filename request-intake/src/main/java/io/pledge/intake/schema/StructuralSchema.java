package io.pledge.intake.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.request.Problem.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules the Kubernetes API server applies to a CRD version's {@code openAPIV3Schema} before it
 * accepts the CRD ("structural schemas", apiextensions.k8s.io/v1), so that a Promise whose API
 * Kubernetes would refuse is refused here too, with every violation and its JSON Pointer:
 *
 * <ul>
 *   <li>the root is {@code type: object};
 *   <li>every node (the root, each of {@code properties}, {@code additionalProperties}, {@code
 *       items}) has a {@code type}, one of array, boolean, integer, number, object, string, unless
 *       it is {@code x-kubernetes-int-or-string} (then it has none) or {@code
 *       x-kubernetes-preserve-unknown-fields};
 *   <li>an array has one {@code items} schema; {@code properties} is not set together with an
 *       {@code additionalProperties} schema or {@code false}; {@code uniqueItems} is not true;
 *   <li>{@code $ref}, {@code definitions}, {@code dependencies}, {@code patternProperties}, {@code
 *       additionalItems}, {@code $schema} and {@code id} are not supported;
 *   <li>inside {@code allOf}, {@code anyOf}, {@code oneOf} and {@code not}: no {@code type}, {@code
 *       default}, {@code description}, {@code nullable} or {@code additionalProperties} (except the
 *       int-or-string pattern), and only fields and items the enclosing schema declares;
 *   <li>{@code x-kubernetes-preserve-unknown-fields} is true when set; the root's {@code metadata}
 *       constrains at most {@code name} and {@code generateName}.
 * </ul>
 */
public final class StructuralSchema {

  private static final Set<String> TYPES =
      Set.of("array", "boolean", "integer", "number", "object", "string");
  private static final Set<String> UNSUPPORTED =
      Set.of(
          "$ref",
          "definitions",
          "dependencies",
          "patternProperties",
          "additionalItems",
          "$schema",
          "id");
  private static final Set<String> JUNCTORS = Set.of("allOf", "anyOf", "oneOf", "not");
  private static final Set<String> NOT_IN_JUNCTORS =
      Set.of("type", "default", "description", "nullable", "additionalProperties");

  private final List<FieldError> violations = new ArrayList<>();

  private StructuralSchema() {}

  /**
   * @param openAPIV3Schema a CRD version's schema; absent means no schema, which this does not
   *     judge
   * @param pointer the JSON Pointer of the schema, prefixed to every reported path
   * @return every violation, in document order; empty when the schema is structural
   */
  public static List<FieldError> violations(JsonNode openAPIV3Schema, String pointer) {
    StructuralSchema check = new StructuralSchema();
    if (openAPIV3Schema == null || openAPIV3Schema.isMissingNode() || openAPIV3Schema.isNull()) {
      return List.of();
    }
    if (!openAPIV3Schema.isObject()) {
      check.add(pointer, "must be a schema object");
      return check.violations;
    }
    if (!"object".equals(openAPIV3Schema.path("type").asText(null))) {
      check.add(pointer + "/type", "must be object at the root");
    }
    check.node(openAPIV3Schema, pointer, false, true);
    check.metadata(openAPIV3Schema.path("properties").path("metadata"), pointer);
    return List.copyOf(check.violations);
  }

  /**
   * @param inJunctor whether the node is (under) an allOf/anyOf/oneOf/not branch
   * @param specified whether the node specifies a field or item, so it needs a type
   */
  private void node(JsonNode schema, String path, boolean inJunctor, boolean specified) {
    if (!schema.isObject()) {
      add(path, "must be a schema object");
      return;
    }
    for (String keyword : UNSUPPORTED) {
      if (schema.has(keyword)) {
        add(path + "/" + escape(keyword), "Forbidden: " + keyword + " is not supported");
      }
    }
    boolean intOrString = schema.path(OpenApiSchemaConverter.INT_OR_STRING).asBoolean(false);
    JsonNode preserve = schema.get(OpenApiSchemaConverter.PRESERVE_UNKNOWN);
    if (preserve != null && !(preserve.isBoolean() && preserve.asBoolean())) {
      add(path + "/" + OpenApiSchemaConverter.PRESERVE_UNKNOWN, "must be true or undefined");
    }
    boolean preserving = preserve != null && preserve.asBoolean(false);
    JsonNode type = schema.get("type");
    if (inJunctor) {
      for (String keyword : NOT_IN_JUNCTORS) {
        if (schema.has(keyword) && !("type".equals(keyword) && intOrStringBranch(schema))) {
          add(
              path + "/" + keyword,
              "Forbidden: must not be used inside allOf, anyOf, oneOf or not");
        }
      }
    } else if (type == null) {
      if (specified && !intOrString && !preserving) {
        add(path + "/type", "Required value: must not be empty for specified fields and items");
      }
    } else if (!type.isTextual() || !TYPES.contains(type.asText())) {
      add(
          path + "/type",
          "Unsupported value: "
              + type
              + ": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\","
              + " \"string\"");
    } else if (intOrString) {
      add(path + "/type", "must be empty when x-kubernetes-int-or-string is true");
    }
    JsonNode properties = schema.get("properties");
    JsonNode additional = schema.get("additionalProperties");
    if (properties != null
        && additional != null
        && !(additional.isBoolean() && additional.asBoolean())
        && !inJunctor) {
      add(
          path + "/additionalProperties",
          "Forbidden: additionalProperties and properties are mutually exclusive");
    }
    if (schema.path("uniqueItems").asBoolean(false)) {
      add(
          path + "/uniqueItems",
          "Forbidden: uniqueItems cannot be true (use x-kubernetes-list-type: set)");
    }
    if (properties != null) {
      if (!properties.isObject()) {
        add(path + "/properties", "must be a map of schemas");
      } else {
        for (Map.Entry<String, JsonNode> p : properties.properties()) {
          node(p.getValue(), path + "/properties/" + escape(p.getKey()), inJunctor, !inJunctor);
        }
      }
    }
    if (additional != null && additional.isObject()) {
      node(additional, path + "/additionalProperties", inJunctor, !inJunctor);
    }
    JsonNode items = schema.get("items");
    if (items != null) {
      if (!items.isObject()) {
        add(path + "/items", "must be one schema, not a list");
      } else {
        node(items, path + "/items", inJunctor, !inJunctor);
      }
    } else if (type != null && "array".equals(type.asText()) && !inJunctor) {
      add(path + "/items", "Required value: must be specified for type array");
    }
    for (String junctor : JUNCTORS) {
      JsonNode branches = schema.get(junctor);
      if (branches == null) {
        continue;
      }
      if ("not".equals(junctor)) {
        junctorBranch(schema, branches, path + "/not");
      } else if (!branches.isArray()) {
        add(path + "/" + junctor, "must be a list of schemas");
      } else {
        for (int i = 0; i < branches.size(); i++) {
          junctorBranch(schema, branches.get(i), path + "/" + junctor + "/" + i);
        }
      }
    }
  }

  /** A branch may only constrain what the enclosing schema declares. */
  private void junctorBranch(JsonNode enclosing, JsonNode branch, String path) {
    node(branch, path, true, false);
    if (!branch.isObject()) {
      return;
    }
    JsonNode declared = enclosing.path("properties");
    JsonNode properties = branch.path("properties");
    if (properties.isObject()) {
      for (Map.Entry<String, JsonNode> p : properties.properties()) {
        if (!declared.has(p.getKey())) {
          add(
              path + "/properties/" + escape(p.getKey()),
              "must also be specified outside allOf, anyOf, oneOf or not");
        }
      }
    }
    if (branch.has("items") && !enclosing.has("items")) {
      add(path + "/items", "must also be specified outside allOf, anyOf, oneOf or not");
    }
  }

  /**
   * The int-or-string pattern Kubernetes allows: {@code anyOf: [{type: integer}, {type: string}]}.
   */
  private static boolean intOrStringBranch(JsonNode branch) {
    String type = branch.path("type").asText("");
    return branch.size() == 1 && ("integer".equals(type) || "string".equals(type));
  }

  private void metadata(JsonNode metadata, String pointer) {
    JsonNode properties = metadata.path("properties");
    if (!properties.isObject()) {
      return;
    }
    properties
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!"name".equals(name) && !"generateName".equals(name)) {
                add(
                    pointer + "/properties/metadata/properties/" + escape(name),
                    "Forbidden: only metadata.name and metadata.generateName may be constrained");
              }
            });
  }

  private void add(String path, String message) {
    violations.add(new FieldError(path, message));
  }

  private static String escape(String segment) {
    return segment.replace("~", "~0").replace("/", "~1");
  }
}
