package io.pledge.intake.apply;

/**
 * Who asked for a change and, for requests from other systems, which inbound event it answers.
 *
 * @param requester the authenticated principal, if any
 * @param correlationId the id of the inbound CloudEvent, if the change came from Kafka
 */
public record Origin(String requester, String correlationId) {

  /** A REST call by {@code requester} (may be null). */
  public static Origin rest(String requester) {
    return new Origin(requester, null);
  }

  public boolean inbound() {
    return correlationId != null;
  }
}
