package io.pledge.intake.api;

import jakarta.ws.rs.core.Response;

/**
 * Marks a read answered before the view caught up with the read barrier (RFC 7234's warn-code 110),
 * so a client that needs read-your-writes knows to ask again.
 */
final class StaleWarning {

  static final String HEADER = "Warning";
  static final String VALUE = "110 - \"Response is stale\"";

  private StaleWarning() {}

  /** {@code answer} with the warning unless the barrier was reached. */
  static Response.ResponseBuilder unless(boolean reached, Response.ResponseBuilder answer) {
    return reached ? answer : answer.header(HEADER, VALUE);
  }
}
