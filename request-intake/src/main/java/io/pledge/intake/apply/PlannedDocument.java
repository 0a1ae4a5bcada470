package io.pledge.intake.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.request.Problem.FieldError;
import java.util.List;

/** One document of an apply body being planned, and where its errors go. */
final class PlannedDocument {
  private final JsonNode node;
  private final String pointerPrefix;
  private final int number;
  private final boolean multi;
  private final List<FieldError> errors;
  private String name;
  private int errorCount;

  /**
   * @param pointerPrefix prefixed to every error's JSON pointer ({@code /<index>} in a body of
   *     many)
   * @param number 1-based position in the body
   * @param errors where the body's errors are gathered
   */
  PlannedDocument(
      JsonNode node, String pointerPrefix, int number, boolean multi, List<FieldError> errors) {
    this.node = node;
    this.pointerPrefix = pointerPrefix;
    this.number = number;
    this.multi = multi;
    this.errors = errors;
  }

  JsonNode node() {
    return node;
  }

  /** The document's name as its messages call it, once the planner has read it. */
  void name(String name) {
    this.name = name;
  }

  void error(String path, String message) {
    errors.add(new FieldError(pointerPrefix + path, message));
    errorCount++;
  }

  boolean failed() {
    return errorCount > 0;
  }

  String label() {
    String kind = node.path("kind").asText("document");
    String what = name == null ? kind : kind + " \"" + name + "\"";
    return multi ? "document " + number + " (" + what + ")" : what;
  }

  String prefix() {
    return multi ? "document " + number + ": " : "";
  }
}
