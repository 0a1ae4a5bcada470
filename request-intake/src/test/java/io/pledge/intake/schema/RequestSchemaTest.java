package io.pledge.intake.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.request.Problem.FieldError;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class RequestSchemaTest {

  static JsonNode yaml(String text) {
    return KratixDocuments.readAll(text).get(0);
  }

  static JsonNode postgresSchema() throws IOException {
    try (InputStream in = RequestSchemaTest.class.getResourceAsStream("/postgres/promise.yaml")) {
      JsonNode promise = KratixDocuments.YAML.readTree(in);
      return promise.at("/spec/api/spec/versions/0/schema/openAPIV3Schema");
    }
  }

  @Test
  void appliesDefaultsToAbsentFields() throws IOException {
    RequestSchema schema = RequestSchema.compile(postgresSchema(), true);

    RequestSchema.Checked checked = schema.check(yaml("requester: ana"), "/spec");

    assertThat(checked.errors()).isEmpty();
    assertThat(checked.spec().get("size").asText()).isEqualTo("small");
    assertThat(checked.spec().get("dbName").asText()).isEqualTo("postgres");
    assertThat(checked.spec().get("requester").asText()).isEqualTo("ana");
  }

  @Test
  void reportsEveryFailingFieldWithItsPath() throws IOException {
    RequestSchema schema = RequestSchema.compile(postgresSchema(), true);

    RequestSchema.Checked checked = schema.check(yaml("size: huge\ndbName: 5\nsise: x"), "/spec");

    assertThat(checked.errors())
        .extracting(FieldError::path)
        .contains("/spec/size", "/spec/dbName", "/spec/requester", "/spec/sise");
    assertThat(checked.errors())
        .filteredOn(e -> e.path().equals("/spec/requester"))
        .first()
        .extracting(FieldError::message)
        .asString()
        .contains("requester");
    assertThat(checked.errors())
        .filteredOn(e -> e.path().equals("/spec/size"))
        .extracting(FieldError::message)
        .anyMatch(m -> m.contains("small"));
  }

  @Test
  void prunesUndeclaredFieldsWhenAskedTo() throws IOException {
    RequestSchema schema = RequestSchema.compile(postgresSchema(), false);

    RequestSchema.Checked checked = schema.check(yaml("requester: ana\nsise: x"), "/spec");

    assertThat(checked.errors()).isEmpty();
    assertThat(checked.spec().has("sise")).isFalse();
  }

  @Test
  void treatsAnAbsentSpecAsEmpty() throws IOException {
    RequestSchema schema = RequestSchema.compile(postgresSchema(), true);

    RequestSchema.Checked checked = schema.check(null, "/spec");

    assertThat(checked.errors()).extracting(FieldError::path).containsExactly("/spec/requester");
  }

  @Test
  void validatesNestedObjectsArraysAndBounds() {
    JsonNode crd =
        yaml(
            """
            type: object
            properties:
              spec:
                type: object
                properties:
                  replicas: {type: integer, minimum: 1, maximum: 5, default: 1}
                  ratio: {type: number, minimum: 0, exclusiveMinimum: true}
                  owner:
                    type: object
                    required: [team]
                    properties:
                      team: {type: string, minLength: 2}
                      tier: {type: string, default: gold}
                  ports:
                    type: array
                    maxItems: 2
                    items:
                      type: object
                      properties:
                        port: {type: integer}
                        protocol: {type: string, default: TCP}
            """);
    RequestSchema schema = RequestSchema.compile(crd, true);

    RequestSchema.Checked ok =
        schema.check(yaml("owner: {team: ab}\nports: [{port: 80}]\nratio: 0.5"), "/spec");
    RequestSchema.Checked bad =
        schema.check(
            yaml("replicas: 9\nratio: 0\nowner: {tier: x}\nports: [{port: a}, {}, {}]"), "/spec");

    assertThat(ok.errors()).isEmpty();
    assertThat(ok.spec().at("/owner/tier").asText()).isEqualTo("gold");
    assertThat(ok.spec().at("/ports/0/protocol").asText()).isEqualTo("TCP");
    assertThat(ok.spec().at("/replicas").asInt()).isEqualTo(1);
    assertThat(bad.errors())
        .extracting(FieldError::path)
        .contains(
            "/spec/replicas",
            "/spec/ratio",
            "/spec/owner/team",
            "/spec/ports/0/port",
            "/spec/ports");
  }

  @Test
  void preserveUnknownFieldsAllowsAnythingAndNullableAllowsNull() {
    JsonNode crd =
        yaml(
            """
            type: object
            properties:
              spec:
                type: object
                properties:
                  extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
                  note: {type: string, nullable: true}
                  port: {x-kubernetes-int-or-string: true}
            """);
    RequestSchema schema = RequestSchema.compile(crd, true);

    RequestSchema.Checked checked =
        schema.check(yaml("extra: {a: 1, b: [x]}\nnote: null\nport: http"), "/spec");
    RequestSchema.Checked number = schema.check(yaml("port: 8080"), "/spec");
    RequestSchema.Checked wrong = schema.check(yaml("port: [1]"), "/spec");

    assertThat(checked.errors()).isEmpty();
    assertThat(number.errors()).isEmpty();
    assertThat(wrong.errors()).extracting(FieldError::path).contains("/spec/port");
  }

  @Test
  void aPromiseWithoutSpecSchemaAcceptsAnything() {
    RequestSchema schema = RequestSchema.compile(yaml("type: object"), true);

    assertThat(schema.check(yaml("anything: [1, 2]"), "/spec").errors()).isEmpty();
  }

  @Test
  void refusesASchemaOfTheWrongShape() {
    JsonNode crd = yaml("properties:\n  spec:\n    properties: [1, 2]");

    assertThatThrownBy(() -> RequestSchema.compile(crd, true))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
