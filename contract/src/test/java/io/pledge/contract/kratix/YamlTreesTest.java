package io.pledge.contract.kratix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class YamlTreesTest {

  private static JsonNode one(String yaml) {
    return YamlTrees.readAll(yaml, true).get(0);
  }

  private static JsonNode json(String json) throws IOException {
    return KratixDocuments.JSON.readTree(json);
  }

  /** What Jackson's YAML parser made of the text before: the reference for alias-free YAML. */
  private static List<JsonNode> jackson(String yaml) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        KratixDocuments.YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNextValue()) {
        documents.add(it.nextValue());
      }
    }
    return documents;
  }

  @Test
  void resolvesAnAliasOfAScalarToItsValue() throws IOException {
    JsonNode doc = one("name: &n ana\nspec:\n  requester: *n\n");

    assertThat(doc).isEqualTo(json("{\"name\":\"ana\",\"spec\":{\"requester\":\"ana\"}}"));
  }

  @Test
  void resolvesAliasesOfSequencesAndMappingsToCopies() throws IOException {
    JsonNode doc =
        one(
            """
            env: &env [{name: A, value: "1"}, {name: B, value: "2"}]
            base: &base {image: busybox, args: [sh]}
            containers:
              - {name: one, env: *env, spec: *base}
              - {name: two, env: *env, spec: *base}
            """);

    assertThat(doc.at("/containers/1/env")).isEqualTo(doc.get("env"));
    assertThat(doc.at("/containers/0/spec")).isEqualTo(doc.get("base"));
    assertThat(doc.at("/containers/0/spec")).isNotSameAs(doc.at("/containers/1/spec"));
  }

  @Test
  void mergeKeysAddTheKeysAMappingDoesNotSetEarlierSourcesWinning() throws IOException {
    JsonNode doc =
        one(
            """
            a: &a {size: small, region: eu, tier: gold}
            b: &b {size: large, zone: z1}
            one:
              <<: *a
              size: medium
            two:
              size: medium
              <<: [*b, *a]
            """);

    assertThat(doc.get("one"))
        .isEqualTo(json("{\"size\":\"medium\",\"region\":\"eu\",\"tier\":\"gold\"}"));
    assertThat(doc.get("two"))
        .isEqualTo(
            json("{\"size\":\"medium\",\"zone\":\"z1\",\"region\":\"eu\",\"tier\":\"gold\"}"));
  }

  @Test
  void aQuotedMergeKeyIsAnOrdinaryKey() throws IOException {
    assertThat(one("'<<': {a: 1}\n")).isEqualTo(json("{\"<<\":{\"a\":1}}"));
  }

  @Test
  void refusesABillionLaughsWithTheAliasLimit() {
    StringBuilder yaml =
        new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
      yaml.append("l").append(i).append(": &l").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        yaml.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
      }
      yaml.append("]\n");
    }

    assertThatThrownBy(() -> YamlTrees.readAll(yaml.toString(), false))
        .isInstanceOf(MalformedYamlException.class)
        .hasMessageContaining("aliases expand to more than " + YamlTrees.MAX_ALIAS_NODES);
  }

  @Test
  void refusesAnAliasInsideWhatItNames() {
    assertThatThrownBy(() -> YamlTrees.readAll("a: &a [x, *a]\n", false))
        .isInstanceOf(MalformedYamlException.class)
        .hasMessageContaining("contains it");
    assertThatThrownBy(() -> YamlTrees.readAll("a: &a {b: 1, <<: *a}\n", false))
        .isInstanceOf(MalformedYamlException.class);
  }

  @Test
  void refusesAnUndefinedAliasNamingTheLine() {
    assertThatThrownBy(() -> YamlTrees.readAll("a: 1\nb: *nowhere\n", false))
        .isInstanceOf(MalformedYamlException.class)
        .hasMessageContaining("nowhere")
        .extracting(e -> ((MalformedYamlException) e).line())
        .isEqualTo(2);
  }

  @Test
  void anchorsDoNotReachAcrossDocuments() {
    assertThatThrownBy(() -> YamlTrees.readAll("a: &x 1\n---\nb: *x\n", false))
        .isInstanceOf(MalformedYamlException.class);
  }

  @Test
  void duplicateKeysAreRefusedWhenStrictAndLastWinsOtherwise() throws IOException {
    String yaml = "spec:\n  size: small\n  size: large\n";

    assertThatThrownBy(() -> YamlTrees.readAll(yaml, true))
        .isInstanceOf(MalformedYamlException.class)
        .hasMessage("duplicate key \"size\" (line 3, column 3)");
    assertThat(YamlTrees.readAll(yaml, false).get(0))
        .isEqualTo(json("{\"spec\":{\"size\":\"large\"}}"));
  }

  @Test
  void typesScalarsExactlyAsJacksonDid() throws IOException {
    String yaml =
        """
        a: 1
        b: -17
        c: 3000000000
        d: 123456789012345678901234567890
        e: 0x1F
        f: 017
        g: 1_000
        h: 0b101
        i: 1.5
        j: 1e3
        k: -0.25
        l: true
        m: False
        n: yes
        o: off
        p: ~
        q: null
        r:
        s: ""
        t: "12"
        u: '3.0'
        v: 2024-01-02
        w: 1:30
        x: !!str 42
        y: !!int "7"
        z: !!float "2"
        1: one
        true: yes-key
        list: [1, "1", a, null, 1.0]
        text: |
          two
          lines
        folded: >
          one
          line
        empty: []
        nothing: {}
        """;

    assertThat(YamlTrees.readAll(yaml, true)).isEqualTo(jackson(yaml));
  }

  @Test
  void readsEveryExampleAndManifestAsJacksonDid() throws IOException {
    List<Path> files;
    try (Stream<Path> walk =
        Stream.concat(Files.walk(Path.of("..", "examples")), Files.walk(Path.of("..", "deploy")))) {
      // Helm templates are Go templates that render YAML, not YAML.
      files =
          walk.filter(p -> p.toString().endsWith(".yaml"))
              .filter(
                  p -> !p.toString().contains("/helm/") || !p.toString().contains("/templates/"))
              .toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      String text = Files.readString(file);
      assertThat(YamlTrees.readAll(text, false)).as(file.toString()).isEqualTo(jackson(text));
    }
  }

  @Test
  void readAllResolvesAliasesForEveryService() {
    List<JsonNode> documents =
        KratixDocuments.readAll("kind: A\nspec: {x: &v 1, y: *v}\n---\nkind: B\n");

    assertThat(documents).hasSize(2);
    assertThat(documents.get(0).at("/spec/y").asInt()).isEqualTo(1);
  }
}
