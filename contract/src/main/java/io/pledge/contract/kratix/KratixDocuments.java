package io.pledge.contract.kratix;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes Kratix documents (kubectl-style YAML, several per text, or JSON). */
public final class KratixDocuments {

  public static final String API_VERSION = "platform.kratix.io/v1alpha1";

  /** YAML without the leading {@code ---} and with plain (unquoted) strings where safe. */
  public static final ObjectMapper YAML =
      new ObjectMapper(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .build())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * Every non-empty document in {@code text}, which may be YAML with {@code ---} separators or JSON
   * (a JSON array yields its elements). Anchors, aliases and merge keys are resolved as Kubernetes
   * resolves them ({@link YamlTrees}); a key set twice keeps the last value.
   *
   * @throws IllegalArgumentException when the text is not well-formed YAML or JSON
   */
  public static List<JsonNode> readAll(String text) {
    List<JsonNode> documents = new ArrayList<>();
    List<JsonNode> read;
    try {
      read = YamlTrees.readAll(text, false);
    } catch (MalformedYamlException e) {
      throw new IllegalArgumentException("malformed document: " + e.getMessage(), e);
    }
    for (JsonNode node : read) {
      if (node == null
          || node.isNull()
          || node.isMissingNode()
          || (node.isTextual() && node.asText().isBlank())) {
        continue; // an empty document, e.g. after a trailing ---
      }
      if (node.isArray()) {
        node.forEach(KratixDocuments::requireMapping);
        node.forEach(documents::add);
      } else {
        requireMapping(node);
        documents.add(node);
      }
    }
    return documents;
  }

  private static void requireMapping(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("malformed document: expected a mapping, found " + node);
    }
  }

  /** One document of a known kind. */
  public static <T> T convert(JsonNode document, Class<T> type) {
    try {
      return JSON.treeToValue(document, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not a valid " + type.getSimpleName() + ": " + firstLine(e.getOriginalMessage()), e);
    }
  }

  public static String toYaml(JsonNode node) {
    try {
      return YAML.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private KratixDocuments() {}
}
