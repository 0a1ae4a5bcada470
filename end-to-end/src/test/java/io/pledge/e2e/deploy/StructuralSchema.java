package io.pledge.e2e.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Kubernetes' rules for a structural CRD schema (apiextensions.k8s.io/v1, "Specifying a structural
 * schema"), which the API server enforces when the CRD is created: without a cluster at hand, this
 * is how a broken {@code openAPIV3Schema} shows up in the build rather than at {@code kubectl
 * apply}. Also checks what Pledge asks of its own schemas on top: every object says what it holds
 * (properties, a map's {@code additionalProperties} or {@code
 * x-kubernetes-preserve-unknown-fields}), so no field is pruned silently.
 */
final class StructuralSchema {

  static final Set<String> TYPES =
      Set.of("object", "array", "string", "integer", "number", "boolean");

  /** Keywords a CRD schema may not use at all. */
  static final Set<String> FORBIDDEN =
      Set.of("$ref", "$schema", "id", "definitions", "patternProperties", "additionalItems");

  /** Keywords Kubernetes refuses inside allOf, anyOf, oneOf and not. */
  static final Set<String> NOT_IN_JUNCTORS =
      Set.of("type", "description", "default", "additionalProperties", "nullable");

  static final List<String> JUNCTORS = List.of("allOf", "anyOf", "oneOf");

  private final List<String> violations = new ArrayList<>();

  private StructuralSchema() {}

  /** Every rule the schema breaks, as {@code <path>: <why>}; empty when it is structural. */
  static List<String> violations(JsonNode openAPIV3Schema) {
    StructuralSchema check = new StructuralSchema();
    check.root(openAPIV3Schema);
    return check.violations;
  }

  private void root(JsonNode schema) {
    if (!"object".equals(schema.path("type").asText())) {
      violations.add("(root): type must be object");
    }
    JsonNode metadata = schema.path("properties").path("metadata");
    if (!metadata.isMissingNode()) {
      // The API server owns metadata: a CRD may only restrict name and generateName.
      metadata
          .fieldNames()
          .forEachRemaining(
              k -> {
                if (!Set.of("type", "description", "properties").contains(k)) {
                  violations.add(
                      "metadata: only name and generateName may be restricted, not " + k);
                }
              });
      metadata
          .path("properties")
          .fieldNames()
          .forEachRemaining(
              k -> {
                if (!Set.of("name", "generateName").contains(k)) {
                  violations.add("metadata.properties." + k + ": not allowed");
                }
              });
    }
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getKey().equals("metadata")) {
                node(e.getValue(), e.getKey());
              }
            });
  }

  private void node(JsonNode n, String path) {
    if (!n.isObject()) {
      violations.add(path + ": a schema must be an object");
      return;
    }
    n.fieldNames()
        .forEachRemaining(
            k -> {
              if (FORBIDDEN.contains(k)) {
                violations.add(path + ": " + k + " is not allowed in a CRD schema");
              }
            });
    if (n.path("uniqueItems").asBoolean(false)) {
      violations.add(path + ": uniqueItems: true is not allowed");
    }
    boolean preserve = flag(n, "x-kubernetes-preserve-unknown-fields", path);
    if (n.has("x-kubernetes-preserve-unknown-fields") && !preserve) {
      violations.add(path + ": x-kubernetes-preserve-unknown-fields must be true or absent");
    }
    boolean intOrString = flag(n, "x-kubernetes-int-or-string", path);
    String type = n.path("type").asText("");
    if (type.isEmpty() && !preserve && !intOrString) {
      violations.add(path + ": type is missing");
    } else if (!type.isEmpty() && !TYPES.contains(type)) {
      violations.add(path + ": unknown type " + type);
    }
    boolean hasProperties = n.has("properties");
    JsonNode additional = n.path("additionalProperties");
    if (hasProperties && !additional.isMissingNode()) {
      violations.add(path + ": properties and additionalProperties are mutually exclusive");
    }
    if (additional.isBoolean() && !additional.asBoolean()) {
      violations.add(path + ": additionalProperties: false is not allowed");
    }
    if ("object".equals(type) && !hasProperties && !additional.isObject() && !preserve) {
      violations.add(path + ": an object needs properties or x-kubernetes-preserve-unknown-fields");
    }
    if (flag(n, "x-kubernetes-embedded-resource", path) && !"object".equals(type)) {
      violations.add(path + ": an embedded resource must be of type object");
    }
    if ("array".equals(type) && !n.path("items").isObject()) {
      violations.add(path + ": an array needs one items schema");
    }
    n.path("properties")
        .fields()
        .forEachRemaining(e -> node(e.getValue(), path + "." + e.getKey()));
    if (additional.isObject()) {
      node(additional, path + "{*}");
    }
    if (n.has("items")) {
      node(n.get("items"), path + "[*]");
    }
    for (String junctor : JUNCTORS) {
      n.path(junctor).forEach(branch -> junctor(branch, path + "." + junctor));
    }
    if (n.has("not")) {
      junctor(n.get("not"), path + ".not");
    }
  }

  private void junctor(JsonNode branch, String path) {
    for (String k : NOT_IN_JUNCTORS) {
      if (branch.has(k)) {
        violations.add(path + ": " + k + " is not allowed inside a logical junctor");
      }
    }
  }

  /** A Kubernetes extension flag, false when absent. */
  private boolean flag(JsonNode n, String name, String path) {
    JsonNode v = n.path(name);
    if (!v.isMissingNode() && !v.isBoolean()) {
      violations.add(path + ": " + name + " must be a boolean");
    }
    return v.asBoolean(false);
  }
}
