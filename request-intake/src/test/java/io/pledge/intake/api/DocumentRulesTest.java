package io.pledge.intake.api;

import static io.pledge.intake.IntakeTestSupport.WAIT;
import static io.pledge.intake.IntakeTestSupport.assertNothingPublishedAbout;
import static io.pledge.intake.IntakeTestSupport.probe;
import static io.pledge.intake.IntakeTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.request.RequestApplied;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a body must be beyond well-formed: aliases resolved (never stored as anchor names), no key
 * set twice, structural Promise schemas, labels Kubernetes would accept.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class DocumentRulesTest {

  private static final String YAML = "application/yaml";

  @BeforeEach
  void seed() {
    IntakeTestSupport.seedPromise();
  }

  private static ValidatableResponse apply(String contentType, String body) {
    return IntakeTestSupport.post(contentType, body).then();
  }

  @Test
  void resolvesAnchorsAliasesAndMergeKeysAsKubectlDoes() {
    String name = unique("alias");
    String body =
        """
        apiVersion: workshop.kratix.io/v1
        kind: postgresql
        metadata:
          name: &n %s
          namespace: default
          labels: &labels {team: payments}
          annotations: *labels
        spec:
          <<: {size: large, dbName: orders}
          dbName: *n
          requester: *n
        """
            .formatted(name);

    apply(YAML, body).statusCode(200).body("[0].outcome", equalTo("created"));

    String key = "default/postgresql/" + name;
    CloudEvent applied = probe().await("pledge.request.applied", key, WAIT);
    var resource = EventCodec.data(applied, RequestApplied.class).resource();
    assertThat(resource.at("/spec/requester").asText()).isEqualTo(name);
    assertThat(resource.at("/spec/dbName").asText()).isEqualTo(name);
    assertThat(resource.at("/spec/size").asText()).isEqualTo("large");
    assertThat(resource.at("/metadata/annotations/team").asText()).isEqualTo("payments");
    given()
        .get("/api/v1/resources/" + key)
        .then()
        .statusCode(200)
        .body("spec.requester", equalTo(name));
  }

  @Test
  void refusesAnAliasBombWithA400() {
    String name = unique("laughs");
    StringBuilder lol = new StringBuilder();
    lol.append("  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
      lol.append("  l").append(i).append(": &l").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        lol.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
      }
      lol.append("]\n");
    }
    String body =
        """
        apiVersion: workshop.kratix.io/v1
        kind: postgresql
        metadata:
          name: %s
        spec:
          requester: ana
        """
                .formatted(name)
            + lol;

    apply(YAML, body)
        .statusCode(400)
        .contentType(startsWith("application/problem+json"))
        .body("detail", containsString("aliases expand to more than"));
    assertNothingPublishedAbout("default/postgresql/" + name);
  }

  @Test
  void refusesAKeySetTwiceNamingItAndItsLine() {
    String name = unique("twice");
    String yaml =
        """
        apiVersion: workshop.kratix.io/v1
        kind: postgresql
        metadata:
          name: %s
        spec:
          requester: ana
          size: small
          requester: bob
        """
            .formatted(name);

    apply(YAML, yaml)
        .statusCode(400)
        .contentType(startsWith("application/problem+json"))
        .body("detail", containsString("duplicate key \"requester\" (line 8, column 3)"));

    String json =
        """
        {"apiVersion": "workshop.kratix.io/v1", "kind": "postgresql",
         "metadata": {"name": "%s"},
         "spec": {"requester": "ana", "requester": "bob"}}
        """
            .formatted(name);
    apply("application/json", json)
        .statusCode(400)
        .body("detail", containsString("Duplicate field 'requester'"))
        .body("detail", containsString("line 3"));
    assertNothingPublishedAbout("default/postgresql/" + name);
  }

  private static String promise(String name, String schema) {
    return """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata:
          name: %1$s
        spec:
          api:
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: %1$ss.rules.example.io
            spec:
              group: rules.example.io
              names: {kind: %1$s, plural: %1$ss, singular: %1$s}
              scope: Namespaced
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
        %2$s
        """
        .formatted(name, schema.indent(14).stripTrailing());
  }

  @Test
  void refusesPromiseSchemasThatAreNotStructuralListingEveryViolation() {
    String name = "typo" + unique("p").substring(2, 8);
    String schema =
        """
        type: array
        properties:
          spec:
            type: object
            properties:
              size: {type: strnig}
              shared: {$ref: "#/definitions/shared"}
              tags: {type: array}
              free: {description: no type}
        """;
    String pointer = "/spec/api/spec/versions/0/schema/openAPIV3Schema";

    apply(YAML, promise(name, schema))
        .statusCode(422)
        .contentType(startsWith("application/problem+json"))
        .body(
            "errors.path",
            hasItems(
                pointer + "/type",
                pointer + "/properties/spec/properties/size/type",
                pointer + "/properties/spec/properties/shared/$ref",
                pointer + "/properties/spec/properties/tags/items",
                pointer + "/properties/spec/properties/free/type"))
        .body("errors.message", hasItem(containsString("\"strnig\"")));
    assertThat(IntakeTestSupport.publishedAfterMarker(name, List.of(Topics.PROMISES))).isEmpty();

    String structural =
        """
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: string}
              port: {x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}]}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
              tags: {type: array, items: {type: string}}
        """;
    apply(YAML, promise(name, structural)).statusCode(200);
  }

  @Test
  void refusesLabelsKubernetesWouldRefuseNamingEachOne() {
    String name = unique("labels");
    String request =
        """
        apiVersion: workshop.kratix.io/v1
        kind: postgresql
        metadata:
          name: %s
          labels:
            "bad key!": x
            example.com/ok: "-not-ok-"
            a/b/c: x
            Example.com/name: x
            fine.example.io/team: payments
            empty: ""
        spec:
          requester: ana
        """
            .formatted(name);

    apply(YAML, request)
        .statusCode(422)
        .contentType(startsWith("application/problem+json"))
        .body(
            "errors.path",
            hasItems(
                "/metadata/labels/bad key!",
                "/metadata/labels/example.com~1ok",
                "/metadata/labels/a~1b~1c",
                "/metadata/labels/Example.com~1name"))
        .body("errors.path", org.hamcrest.Matchers.not(hasItem("/metadata/labels/empty")))
        .body(
            "errors.path",
            org.hamcrest.Matchers.not(hasItem("/metadata/labels/fine.example.io~1team")))
        .body("errors.message", hasItem(containsString("label key \"bad key!\"")));
    assertNothingPublishedAbout("default/postgresql/" + name);

    String destination =
        """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Destination
        metadata:
          name: %s
          labels: {env: "dev prod"}
        spec:
          path: clusters/x
          stateStoreRef: {kind: GitStateStore, name: default}
        """
            .formatted(unique("dest"));
    apply(YAML, destination).statusCode(422).body("errors.path", hasItem("/metadata/labels/env"));

    String selector =
        promise(
                "sel" + unique("p").substring(2, 8),
                "type: object\nproperties:\n  spec: {type: object}\n")
            .replace(
                "spec:\n  api:",
                "spec:\n  destinationSelectors:\n    - matchLabels: {\"env/\": dev}\n  api:");
    apply(YAML, selector)
        .statusCode(422)
        .body("errors.path", hasItem("/spec/destinationSelectors/0/matchLabels/env~1"));
  }
}
