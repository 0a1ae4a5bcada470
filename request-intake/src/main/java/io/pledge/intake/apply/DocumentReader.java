package io.pledge.intake.apply;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.MalformedYamlException;
import io.pledge.contract.kratix.YamlTrees;
import io.pledge.intake.problem.ProblemException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the documents of an apply body: YAML with {@code ---} separators, or JSON. */
public final class DocumentReader {

  /** A key set twice in one object is refused, as the API server refuses it in strict mode. */
  private static final ObjectReader STRICT_JSON =
      KratixDocuments.JSON.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private DocumentReader() {}

  /**
   * @param body the raw body
   * @param json true for {@code application/json} (one document or an array of them)
   * @param maxDocuments the most documents accepted
   * @throws ProblemException 400 when the body is not well-formed, empty, or holds non-objects; 413
   *     when it holds more than {@code maxDocuments}
   */
  public static List<JsonNode> read(byte[] body, boolean json, int maxDocuments) {
    String text = decode(body);
    List<JsonNode> documents;
    if (json) {
      documents = readJson(text);
    } else {
      documents = readYaml(text);
    }
    if (documents.isEmpty()) {
      throw ProblemException.malformed("The body holds no document");
    }
    if (documents.size() > maxDocuments) {
      throw ProblemException.tooLarge(
          "The body holds " + documents.size() + " documents; at most " + maxDocuments + " fit");
    }
    for (int i = 0; i < documents.size(); i++) {
      if (!documents.get(i).isObject()) {
        throw ProblemException.malformed(
            "Document " + (i + 1) + " is a " + documents.get(i).getNodeType() + ", not an object");
      }
    }
    return documents;
  }

  /**
   * Like {@link KratixDocuments#readAll}, but strict: a key set twice in one mapping is refused, as
   * the API server refuses it in strict mode. Aliases and merge keys are resolved ({@link
   * YamlTrees}).
   */
  private static List<JsonNode> readYaml(String text) {
    List<JsonNode> documents = new ArrayList<>();
    List<JsonNode> read;
    try {
      read = YamlTrees.readAll(text, true);
    } catch (MalformedYamlException e) {
      throw ProblemException.malformed("The body is not well-formed YAML: " + e.getMessage());
    }
    for (JsonNode node : read) {
      if (node == null || node.isNull() || node.isMissingNode()) {
        continue;
      }
      if (node.isArray()) {
        node.forEach(documents::add); // JSON sent as YAML: an array of documents
      } else {
        documents.add(node);
      }
    }
    return documents;
  }

  private static List<JsonNode> readJson(String text) {
    JsonNode root;
    try {
      root = STRICT_JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw ProblemException.malformed(
          "The body is not well-formed JSON: " + e.getOriginalMessage() + location(e));
    }
    List<JsonNode> documents = new ArrayList<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return documents;
    }
    if (root.isArray()) {
      root.forEach(documents::add);
    } else {
      documents.add(root);
    }
    return documents;
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  private static String decode(byte[] body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw ProblemException.malformed("The body is not UTF-8 text");
    }
  }
}
