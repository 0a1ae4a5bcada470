package io.pledge.intake.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.intake.problem.ProblemException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the documents of an apply body: YAML with {@code ---} separators, or JSON. */
public final class DocumentReader {

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

  /** Like {@link KratixDocuments#readAll} but keeps the parser's line and column. */
  private static List<JsonNode> readYaml(String text) {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        KratixDocuments.YAML.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNextValue()) {
        JsonNode node = it.nextValue();
        if (node == null || node.isNull() || node.isMissingNode()) {
          continue;
        }
        if (node.isArray()) {
          node.forEach(documents::add); // JSON sent as YAML: an array of documents
        } else {
          documents.add(node);
        }
      }
    } catch (JsonProcessingException e) {
      throw ProblemException.malformed(
          "The body is not well-formed YAML: " + firstLine(e.getOriginalMessage()) + location(e));
    } catch (IOException | RuntimeException e) {
      throw ProblemException.malformed(
          "The body is not well-formed YAML: " + firstLine(String.valueOf(e.getMessage())));
    }
    return documents;
  }

  private static String firstLine(String message) {
    int newline = message == null ? -1 : message.indexOf('\n');
    return newline < 0 ? String.valueOf(message) : message.substring(0, newline);
  }

  private static List<JsonNode> readJson(String text) {
    JsonNode root;
    try {
      root = KratixDocuments.JSON.readTree(text);
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
