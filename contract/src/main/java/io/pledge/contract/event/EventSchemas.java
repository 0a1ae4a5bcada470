package io.pledge.contract.event;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The JSON Schemas of Pledge events: the public contract other systems code against. */
public final class EventSchemas {

  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final JsonSchema ENVELOPE = load("/schemas/cloudevent.json");
  private static final Map<EventType, JsonSchema> DATA = new EnumMap<>(EventType.class);

  static {
    for (EventType type : EventType.values()) {
      DATA.put(type, load(type.schemaResource()));
    }
  }

  private EventSchemas() {}

  /**
   * What is wrong with {@code event}: its envelope, and its data against the schema of its type.
   * Empty when it is valid.
   */
  public static List<String> violations(CloudEvent event) {
    Set<ValidationMessage> envelope = ENVELOPE.validate(EventCodec.JSON.valueToTree(event));
    if (!envelope.isEmpty()) {
      return envelope.stream().map(ValidationMessage::getMessage).sorted().toList();
    }
    return event
        .eventType()
        .map(t -> DATA.get(t).validate(event.data()))
        .map(messages -> messages.stream().map(ValidationMessage::getMessage).sorted().toList())
        .orElse(List.of("unknown event type: " + event.type()));
  }

  private static JsonSchema load(String resource) {
    try (InputStream in = EventSchemas.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing schema " + resource);
      }
      return FACTORY.getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
