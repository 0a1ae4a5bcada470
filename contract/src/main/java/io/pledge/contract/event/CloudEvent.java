package io.pledge.contract.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A CloudEvent 1.0 in structured JSON mode: every Pledge event on every topic has this envelope.
 *
 * @param specversion always {@code 1.0}
 * @param id unique per event; consumers de-duplicate on their own idempotency keys, not on it
 * @param source the producing service, e.g. {@code /pledge/request-intake}
 * @param type one of {@link EventType#type()}
 * @param subject the Kafka key: a resource key, a Promise name or a Destination key
 * @param time when the producer made the event
 * @param datacontenttype always {@code application/json}
 * @param dataschema the URI of the JSON Schema of {@code data}
 * @param correlationid extension attribute: the id of the inbound event this one answers, if any
 * @param data the payload, described by the schema named in {@code dataschema}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloudEvent(
    String specversion,
    String id,
    String source,
    String type,
    String subject,
    Instant time,
    String datacontenttype,
    String dataschema,
    String correlationid,
    JsonNode data) {

  public static final String SPEC_VERSION = "1.0";
  public static final String JSON = "application/json";

  /** The same event answering the inbound event {@code correlationId}. */
  public CloudEvent withCorrelationId(String correlationId) {
    return new CloudEvent(
        specversion,
        id,
        source,
        type,
        subject,
        time,
        datacontenttype,
        dataschema,
        correlationId,
        data);
  }

  /** The registered type of this event, or empty for a type this version does not know. */
  public java.util.Optional<EventType> eventType() {
    return EventType.find(type);
  }
}
