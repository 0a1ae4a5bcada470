package io.pledge.contract.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Builds, writes and reads {@link CloudEvent}s. Unknown fields are ignored when reading so that
 * additive changes to an event never break an older consumer.
 */
public final class EventCodec {

  /** The mapper every service uses for event JSON. */
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private final String source;
  private final Clock clock;

  /**
   * @param source the producing service's CloudEvents {@code source}, e.g. {@code
   *     /pledge/pipeline-runner}
   */
  public EventCodec(String source) {
    this(source, Clock.systemUTC());
  }

  public EventCodec(String source, Clock clock) {
    this.source = source;
    this.clock = clock;
  }

  /** A new event of {@code type} about {@code subject} carrying {@code data}. */
  public CloudEvent event(EventType type, String subject, Object data) {
    return event(type, subject, data, UUID.randomUUID().toString(), clock.instant());
  }

  /**
   * An event with the given id and time: for producers that must write the same bytes when they
   * process the same input again (a Kafka Streams task re-processing after an aborted transaction).
   */
  public CloudEvent event(EventType type, String subject, Object data, String id, Instant time) {
    if (!type.dataClass().isInstance(data)) {
      throw new IllegalArgumentException(
          type.type()
              + " carries "
              + type.dataClass().getSimpleName()
              + ", not "
              + data.getClass());
    }
    return new CloudEvent(
        CloudEvent.SPEC_VERSION,
        id,
        source,
        type.type(),
        subject,
        time,
        CloudEvent.JSON,
        type.dataschema(),
        null,
        JSON.valueToTree(data));
  }

  public static String write(CloudEvent event) {
    try {
      return JSON.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] writeBytes(CloudEvent event) {
    return write(event).getBytes(StandardCharsets.UTF_8);
  }

  /** Reads events; a key set twice in one object makes the record unreadable, not last-wins. */
  private static final ObjectReader READER =
      JSON.readerFor(CloudEvent.class).with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /**
   * Reads a structured-mode CloudEvent.
   *
   * @throws MalformedEventException when the text is not JSON (or sets a key twice in one object),
   *     lacks a required attribute, or is of a {@code specversion} other than {@value
   *     CloudEvent#SPEC_VERSION}
   */
  public static CloudEvent read(String json) {
    try {
      CloudEvent event = READER.readValue(json);
      requireAttribute(event.specversion(), "specversion");
      if (!CloudEvent.SPEC_VERSION.equals(event.specversion())) {
        throw new MalformedEventException(
            "CloudEvents specversion '"
                + event.specversion()
                + "' is not supported; only "
                + CloudEvent.SPEC_VERSION);
      }
      requireAttribute(event.id(), "id");
      requireAttribute(event.source(), "source");
      requireAttribute(event.type(), "type");
      return event;
    } catch (IOException e) {
      throw new MalformedEventException("not a CloudEvent in structured JSON: " + e.getMessage());
    }
  }

  public static CloudEvent read(byte[] json) {
    return read(new String(json, StandardCharsets.UTF_8));
  }

  /** The event's {@code data} as the record of its type. */
  public static <T> T data(CloudEvent event, Class<T> dataClass) {
    try {
      return JSON.treeToValue(event.data(), dataClass);
    } catch (JsonProcessingException e) {
      throw new MalformedEventException(
          event.type() + " data does not fit " + dataClass.getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Converts any JSON tree to a record, e.g. a Kratix document to its model. */
  public static <T> T convert(JsonNode node, Class<T> type) {
    return data(
        new CloudEvent(null, null, null, "convert", null, null, null, null, null, node), type);
  }

  private static void requireAttribute(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new MalformedEventException("CloudEvent attribute '" + name + "' is missing");
    }
  }
}
