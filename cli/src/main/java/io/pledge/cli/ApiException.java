package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.request.Problem;
import java.io.IOException;

/** request-intake refused a call; RFC 7807 problem documents are rendered field by field. */
final class ApiException extends RuntimeException {

  private final int status;
  private final String contentType;
  private final String body;

  ApiException(int status, String contentType, String body) {
    super("HTTP " + status);
    this.status = status;
    this.contentType = contentType;
    this.body = body == null ? "" : body;
  }

  int status() {
    return status;
  }

  /** What the user reads: {@code error: 422 Unprocessable: detail}, then one line per field. */
  String render() {
    Problem problem = problem();
    if (problem == null) {
      String text = body.strip();
      return "error: HTTP " + status + (text.isEmpty() ? "" : ": " + text);
    }
    StringBuilder out = new StringBuilder("error: ").append(status);
    String title = problem.title() == null ? "" : problem.title();
    String detail = problem.detail() == null ? "" : problem.detail();
    if (!title.isEmpty()) {
      out.append(' ').append(title);
    }
    if (!detail.isEmpty() && !detail.equals(title)) {
      out.append(": ").append(detail);
    }
    if (problem.errors() != null) {
      for (Problem.FieldError error : problem.errors()) {
        out.append(System.lineSeparator())
            .append("  ")
            .append(error.path())
            .append(": ")
            .append(error.message());
      }
    }
    return out.toString();
  }

  /** The problem document, when the body is one (application/problem+json). */
  private Problem problem() {
    if (!contentType.contains("json") || body.isBlank()) {
      return null;
    }
    try {
      JsonNode node = IntakeClient.JSON.readTree(body);
      return node.isObject() ? IntakeClient.JSON.treeToValue(node, Problem.class) : null;
    } catch (IOException e) {
      return null;
    }
  }
}
