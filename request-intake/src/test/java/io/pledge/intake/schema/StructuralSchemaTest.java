package io.pledge.intake.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.request.Problem.FieldError;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class StructuralSchemaTest {

  private static List<FieldError> check(String yaml) {
    return StructuralSchema.violations(KratixDocuments.readAll(yaml).get(0), "");
  }

  private static List<String> paths(String yaml) {
    return check(yaml).stream().map(FieldError::path).toList();
  }

  @Test
  void acceptsTheSeedPromisesSchema() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/postgres/promise.yaml")) {
      JsonNode promise = KratixDocuments.YAML.readTree(in);
      JsonNode schema = promise.at("/spec/api/spec/versions/0/schema/openAPIV3Schema");
      assertThat(StructuralSchema.violations(schema, "")).isEmpty();
    }
  }

  @Test
  void acceptsIntOrStringPreserveUnknownFieldsAndMaps() {
    assertThat(
            check(
                """
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      port:
                        x-kubernetes-int-or-string: true
                        anyOf: [{type: integer}, {type: string}]
                      raw: {x-kubernetes-preserve-unknown-fields: true}
                      env: {type: object, additionalProperties: {type: string}}
                      list: {type: array, items: {type: object, properties: {a: {type: string}}}}
                      either:
                        type: object
                        properties: {a: {type: string}, b: {type: string}}
                        oneOf: [{required: [a]}, {required: [b]}]
                  metadata:
                    type: object
                    properties: {name: {type: string, maxLength: 20}}
                """))
        .isEmpty();
  }

  @Test
  void reportsEveryViolationWithItsPath() {
    assertThat(
            paths(
                """
                type: array
                properties:
                  spec:
                    type: object
                    properties:
                      size: {type: strnig}
                      ref: {$ref: "#/definitions/x"}
                      tags: {type: array}
                      untyped: {description: none}
                      both: {type: object, properties: {a: {type: string}}, additionalProperties: {type: string}}
                      tuple: {type: array, items: [{type: string}]}
                      port: {x-kubernetes-int-or-string: true, type: string}
                      keep: {type: object, x-kubernetes-preserve-unknown-fields: false}
                      set: {type: array, items: {type: string}, uniqueItems: true}
                      junctor:
                        type: object
                        properties: {a: {type: string}}
                        anyOf: [{type: object, properties: {b: {minLength: 1}}}]
                  metadata:
                    type: object
                    properties: {labels: {type: object}}
                """))
        .containsExactlyInAnyOrder(
            "/type",
            "/items",
            "/properties/spec/properties/size/type",
            "/properties/spec/properties/ref/$ref",
            "/properties/spec/properties/ref/type",
            "/properties/spec/properties/tags/items",
            "/properties/spec/properties/untyped/type",
            "/properties/spec/properties/both/additionalProperties",
            "/properties/spec/properties/tuple/items",
            "/properties/spec/properties/port/type",
            "/properties/spec/properties/keep/x-kubernetes-preserve-unknown-fields",
            "/properties/spec/properties/set/uniqueItems",
            "/properties/spec/properties/junctor/anyOf/0/type",
            "/properties/spec/properties/junctor/anyOf/0/properties/b",
            "/properties/metadata/properties/labels");
  }
}
