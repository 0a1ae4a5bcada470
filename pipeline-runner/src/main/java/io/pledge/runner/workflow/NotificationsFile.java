package io.pledge.runner.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.runner.outcome.MetadataDocuments;
import io.pledge.runner.outcome.PipelineFailure;
import java.util.List;
import java.util.Set;

/**
 * {@code /kratix/metadata/notifications.yaml}: notifications a pipeline asks for (a Pledge
 * extension; Kratix ignores the file). A list of {@code {channel: slack|email, message, to?}}, or a
 * map whose {@code notifications} key holds that list. The notifier sends each entry once.
 */
final class NotificationsFile {

  static final String FILE = "notifications.yaml";
  private static final Set<String> CHANNELS = Set.of("slack", "email");

  private NotificationsFile() {}

  /** The requested notifications, or null when the file is absent or empty. */
  static ArrayNode parse(String text) throws PipelineFailure {
    List<JsonNode> docs = MetadataDocuments.read(text, FILE);
    if (docs.isEmpty()) {
      return null;
    }
    JsonNode list = docs.size() == 1 ? docs.get(0).path("notifications") : null;
    if (list == null || !list.isArray()) {
      // readAll spreads a top-level YAML list into its entries.
      list = KratixDocuments.JSON.valueToTree(docs);
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode entry = list.get(i);
      if (!CHANNELS.contains(entry.path("channel").asText())) {
        throw new PipelineFailure(
            "invalid " + FILE + ": entry " + i + " needs a channel, slack or email");
      }
      if (entry.path("message").asText("").isBlank()) {
        throw new PipelineFailure("invalid " + FILE + ": entry " + i + " needs a message");
      }
    }
    return list.isEmpty() ? null : (ArrayNode) list;
  }
}
