package io.pledge.contract.kratix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class KratixDocumentsTest {

  private static final Path EXAMPLES = Path.of("..", "examples", "postgres");

  @Test
  void readsTheExamplePostgresPromise() throws IOException {
    List<JsonNode> documents =
        KratixDocuments.readAll(Files.readString(EXAMPLES.resolve("promise.yaml")));
    Promise promise = KratixDocuments.convert(documents.get(0), Promise.class);

    assertThat(documents).hasSize(1);
    assertThat(promise.kind()).isEqualTo(Promise.KIND);
    assertThat(promise.metadata().name()).isEqualTo("postgresql");
    CustomResourceDefinition api = promise.api().orElseThrow();
    assertThat(api.requestApiVersion()).contains("workshop.kratix.io/v1");
    assertThat(api.kind()).isEqualTo("postgresql");
    assertThat(api.plural()).isEqualTo("postgresqls");
    assertThat(api.clusterScoped()).isFalse();
    assertThat(
            api.storageVersion()
                .orElseThrow()
                .schema()
                .openAPIV3Schema()
                .at("/properties/spec/required/0")
                .asText())
        .isEqualTo("requester");
    List<Pipeline> configure = promise.pipelines("resource", "configure");
    assertThat(configure).extracting(Pipeline::name).containsExactly("instance-configure");
    assertThat(configure.get(0).containers().get(0).image())
        .isEqualTo("ghcr.io/pledge-io/examples/postgres-configure:v1");
    assertThat(promise.pipelines("resource", "delete")).isEmpty();
  }

  @Test
  void readsSeveralDocumentsSeparatedByDashes() throws IOException {
    String text =
        Files.readString(EXAMPLES.resolve("destination.yaml"))
            + "---\n"
            + Files.readString(EXAMPLES.resolve("gitstatestore.yaml"))
            + "---\n";
    List<JsonNode> documents = KratixDocuments.readAll(text);

    Destination destination = KratixDocuments.convert(documents.get(0), Destination.class);
    GitStateStore store = KratixDocuments.convert(documents.get(1), GitStateStore.class);
    assertThat(documents).hasSize(2);
    assertThat(destination.spec().path()).isEqualTo("worker-1");
    assertThat(destination.filepathMode()).isEqualTo(Destination.NESTED_BY_METADATA);
    assertThat(destination.metadata().labelsOrEmpty()).containsEntry("environment", "dev");
    assertThat(store.branchOrDefault()).isEqualTo("main");
    assertThat(store.spec().gitAuthor().name()).isEqualTo("kratix");
  }

  @Test
  void readsJsonArraysAsDocuments() {
    List<JsonNode> documents = KratixDocuments.readAll("[{\"kind\":\"A\"},{\"kind\":\"B\"}]");
    assertThat(documents).extracting(d -> d.get("kind").asText()).containsExactly("A", "B");
  }

  @Test
  void malformedYamlIsAClearError() {
    assertThatThrownBy(() -> KratixDocuments.readAll("kind: [unclosed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed document");
  }

  @Test
  void squashesPromiseSelectorsFirstWins() {
    JsonNode node =
        KratixDocuments.readAll(
                "kind: Promise\nmetadata: {name: p}\nspec:\n  destinationSelectors:\n"
                    + "    - matchLabels: {env: dev}\n    - matchLabels: {env: prod, zone: eu}\n")
            .get(0);
    Promise promise = KratixDocuments.convert(node, Promise.class);
    assertThat(promise.squashedDestinationSelectors())
        .containsEntry("env", "dev")
        .containsEntry("zone", "eu");
  }
}
