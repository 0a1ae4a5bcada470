package io.pledge.contract.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Golden samples: each event type has a sample under {@code golden/}. Reading it into its record
 * and writing it back must give the same JSON, and it must satisfy the published schema, so a
 * change that would break a consumer (a renamed or retyped field) fails the build.
 */
class GoldenEventsTest {

  @ParameterizedTest
  @EnumSource(EventType.class)
  void goldenSampleRoundTripsThroughItsRecord(EventType type) throws IOException {
    CloudEvent event = EventCodec.read(golden(type));

    Object data = EventCodec.data(event, type.dataClass());
    // Through text, so numbers compare by value whatever Java type carried them.
    JsonNode written = EventCodec.JSON.readTree(EventCodec.JSON.writeValueAsString(data));

    assertThat(event.eventType()).contains(type);
    assertThat(written).isEqualTo(event.data());
    assertThat(EventCodec.read(EventCodec.write(event))).isEqualTo(event);
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void goldenSampleSatisfiesTheEventSchema(EventType type) throws IOException {
    CloudEvent event = EventCodec.read(golden(type));

    assertThat(EventSchemas.violations(event)).isEmpty();
    assertThat(event.dataschema()).isEqualTo(type.dataschema());
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void schemaRejectsDataWithoutItsRequiredFields(EventType type) throws IOException {
    CloudEvent event = EventCodec.read(golden(type));
    ObjectNode stripped = ((ObjectNode) event.data().deepCopy());
    stripped.removeAll();
    CloudEvent broken =
        new CloudEvent(
            event.specversion(),
            event.id(),
            event.source(),
            event.type(),
            event.subject(),
            event.time(),
            event.datacontenttype(),
            event.dataschema(),
            null,
            stripped);

    assertThat(EventSchemas.violations(broken)).isNotEmpty();
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void codecBuildsEventsThatSatisfyTheSchema(EventType type) throws IOException {
    CloudEvent golden = EventCodec.read(golden(type));
    Object data = EventCodec.data(golden, type.dataClass());

    CloudEvent made = new EventCodec("/pledge/test").event(type, golden.subject(), data);

    assertThat(EventSchemas.violations(made)).isEmpty();
    assertThat(made.type()).isEqualTo(type.type());
    assertThat(made.specversion()).isEqualTo("1.0");
  }

  private static String golden(EventType type) throws IOException {
    try (InputStream in =
        GoldenEventsTest.class.getResourceAsStream("/golden/" + type.type() + ".json")) {
      assertThat(in).as("golden sample for %s", type.type()).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
