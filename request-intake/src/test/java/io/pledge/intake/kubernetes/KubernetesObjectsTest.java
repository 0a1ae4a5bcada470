package io.pledge.intake.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.kratix.KratixDocuments;
import java.util.List;
import org.junit.jupiter.api.Test;

class KubernetesObjectsTest {

  private static JsonNode yaml(String text) throws Exception {
    return KratixDocuments.YAML.readTree(text);
  }

  @Test
  void keepsIdentityLabelsAnnotationsAndSpecButNoServerFieldsOrStatus() throws Exception {
    JsonNode object =
        yaml(
            """
            apiVersion: workshop.kratix.io/v1
            kind: postgresql
            metadata:
              name: example
              namespace: team-a
              uid: 1234
              resourceVersion: "77"
              generation: 4
              managedFields: [{manager: kubectl}]
              labels: {team: a}
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: "{...}"
                note: keep me
            spec: {requester: ana}
            status: {message: old}
            """);

    assertThat(KubernetesObjects.document(object))
        .isEqualTo(
            yaml(
                """
                apiVersion: workshop.kratix.io/v1
                kind: postgresql
                metadata:
                  name: example
                  namespace: team-a
                  labels: {team: a}
                  annotations: {note: keep me}
                spec: {requester: ana}
                """));
  }

  @Test
  void installsTheRequestCrdWithAStatusSubresourceThatKeepsAnyStatus() throws Exception {
    JsonNode api =
        yaml(
            """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: postgresqls.workshop.kratix.io}
            spec:
              group: workshop.kratix.io
              names: {kind: postgresql, plural: postgresqls}
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec: {type: object}
                        status: {type: object, properties: {x: {type: string}}}
            """);

    ObjectNode crd = KubernetesObjects.requestCrd(api);

    assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
    JsonNode v1 = crd.at("/spec/versions/0");
    assertThat(v1.at("/subresources/status").isObject()).isTrue();
    assertThat(v1.at("/schema/openAPIV3Schema/properties/status"))
        .isEqualTo(yaml("{type: object, x-kubernetes-preserve-unknown-fields: true}"));
    assertThat(v1.at("/schema/openAPIV3Schema/properties/spec/type").asText()).isEqualTo("object");
    assertThat(api.at("/spec/versions/0/subresources").isMissingNode()).isTrue(); // not mutated
    // Kratix's columns when the API has none: kubectl get shows NAME MESSAGE STATUS
    assertThat(v1.path("additionalPrinterColumns"))
        .extracting(c -> c.path("name").asText() + "=" + c.path("jsonPath").asText())
        .containsExactly(
            "message=.status.message",
            "status=.status.conditions[?(@.type==\"Reconciled\")].message");
  }

  @Test
  void keepsThePrinterColumnsAnApiDefines() throws Exception {
    JsonNode api =
        yaml(
            """
            spec:
              group: workshop.kratix.io
              names: {kind: postgresql, plural: postgresqls}
              versions:
                - name: v1
                  additionalPrinterColumns: [{name: size, type: string, jsonPath: .spec.size}]
            """);

    JsonNode columns =
        KubernetesObjects.requestCrd(api).at("/spec/versions/0/additionalPrinterColumns");

    assertThat(columns).hasSize(1);
    assertThat(columns.get(0).path("name").asText()).isEqualTo("size");
  }

  @Test
  void addsItsFinalizerOnceAndRemovesOnlyItsOwn() {
    String mine = KubernetesObjects.FINALIZER;

    assertThat(KubernetesObjects.withFinalizer(null, mine, true)).containsExactly(mine);
    assertThat(KubernetesObjects.withFinalizer(List.of("a/b", mine), mine, true))
        .containsExactly("a/b", mine);
    assertThat(KubernetesObjects.withFinalizer(List.of(mine, "a/b"), mine, false))
        .containsExactly("a/b");
    assertThat(KubernetesObjects.withFinalizer(List.of("a/b"), mine, false)).containsExactly("a/b");
  }

  @Test
  void comparesStatusesByValueNotByNumberTypeOrKeyOrder() {
    ObjectNode read = EventCodec.JSON.createObjectNode();
    read.put("observedGeneration", 1); // an int, as read back from the cluster
    read.put("message", "Resource requested");
    ObjectNode rendered = EventCodec.JSON.createObjectNode();
    rendered.put("message", "Resource requested");
    rendered.put("observedGeneration", 1L);

    assertThat(KubernetesObjects.sameStatus(read, rendered)).isTrue();
    rendered.put("message", "Reconciled");
    assertThat(KubernetesObjects.sameStatus(read, rendered)).isFalse();
    assertThat(KubernetesObjects.sameStatus(null, EventCodec.JSON.createObjectNode())).isTrue();
  }
}
