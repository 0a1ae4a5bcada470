package io.pledge.runner.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.runner.outcome.PipelineFailure;
import org.junit.jupiter.api.Test;

class StatusMergeTest {

  private static ObjectNode yaml(String text) throws Exception {
    return (ObjectNode) KratixDocuments.YAML.readTree(text);
  }

  @Test
  void topLevelKeysOverwriteWithoutDeepMerging() throws Exception {
    ObjectNode existing = yaml("message: old\nconnection: {host: a, port: 1}\nkeep: kept\n");
    ObjectNode incoming = yaml("message: new\nconnection: {host: b}\n");

    ObjectNode merged = StatusMerge.merge(existing, incoming);

    assertThat(merged.get("message").asText()).isEqualTo("new");
    assertThat(merged.get("connection").has("port")).isFalse();
    assertThat(merged.get("connection").get("host").asText()).isEqualTo("b");
    assertThat(merged.get("keep").asText()).isEqualTo("kept");
    assertThat(existing.get("message").asText()).isEqualTo("old");
  }

  @Test
  void conditionsMergeByTypeWithIncomingWinning() throws Exception {
    ObjectNode existing =
        yaml(
            """
            conditions:
              - {type: Ready, status: "False"}
              - {type: DbUp, status: "True"}
            """);
    ObjectNode incoming =
        yaml(
            """
            conditions:
              - {type: Ready, status: "True"}
              - {type: Backup, status: "Unknown"}
            """);

    JsonNode conditions = StatusMerge.merge(existing, incoming).get("conditions");

    assertThat(conditions).hasSize(3);
    assertThat(conditions.get(0).get("type").asText()).isEqualTo("Ready");
    assertThat(conditions.get(0).get("status").asText()).isEqualTo("True");
    assertThat(conditions.get(1).get("type").asText()).isEqualTo("DbUp");
    assertThat(conditions.get(2).get("type").asText()).isEqualTo("Backup");
  }

  @Test
  void rejectsTheReservedKratixKey() {
    assertThatThrownBy(() -> StatusMerge.parse("message: hi\nkratix: {workflows: {}}\n"))
        .isInstanceOf(PipelineFailure.class)
        .hasMessageContaining("kratix");
  }

  @Test
  void rejectsAStatusThatIsNotAMap() {
    assertThatThrownBy(() -> StatusMerge.parse("- a\n- b\n")).isInstanceOf(PipelineFailure.class);
  }

  @Test
  void anEmptyStatusFileIsNoStatus() throws Exception {
    assertThat(StatusMerge.parse("")).isNull();
    assertThat(StatusMerge.parse(null)).isNull();
  }

  @Test
  void aPromiseKeepsOnlyItsMessage() throws Exception {
    ObjectNode kept = StatusMerge.promiseStatus(yaml("message: configured\nother: x\n"));

    assertThat(kept.size()).isEqualTo(1);
    assertThat(kept.get("message").asText()).isEqualTo("configured");
    assertThat(StatusMerge.promiseStatus(yaml("other: x\n"))).isNull();
  }
}
