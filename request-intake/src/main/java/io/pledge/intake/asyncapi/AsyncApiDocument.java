package io.pledge.intake.asyncapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.Topics;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An AsyncAPI 3.0 description of every Pledge topic and event, generated from the contract itself —
 * {@link EventType} (type, topic, data record, dataschema) and the JSON Schemas on the contract's
 * class path ({@code /schemas/<type>.json}, {@code /schemas/cloudevent.json}) — so it cannot drift
 * from what the services publish.
 *
 * <p>One channel per topic, one message per event type (payload: the CloudEvent envelope whose
 * {@code type} is fixed and whose {@code data} is the type's schema), one {@code send} operation
 * per event type. Schemas are copied verbatim (JSON Schema 2020-12) under {@code
 * components.schemas}.
 */
public final class AsyncApiDocument {

  /** Where the API serves this document; public, like the OpenAPI document. */
  public static final String PATH = "/api/v1/asyncapi";

  static final String ENVELOPE = "CloudEvent";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AsyncApiDocument() {}

  /**
   * @param topicName maps a default topic name ({@link EventType#topic()}) to the one this
   *     installation uses
   * @param version this service's version, for {@code info.version}
   */
  public static ObjectNode build(UnaryOperator<String> topicName, String version) {
    ObjectNode doc = NODES.objectNode();
    doc.put("asyncapi", "3.0.0");
    ObjectNode info = doc.putObject("info");
    info.put("title", "Pledge events");
    info.put("version", version);
    info.put(
        "description",
        "Every Pledge event is a CloudEvent 1.0 in structured JSON mode, the value of a Kafka"
            + " record whose key is the event's subject (a resource key"
            + " <namespace>/<promise>/<name>, a Promise name, or a Destination key). Schema"
            + " version "
            + EventType.SCHEMA_VERSION
            + "; changes within a version are additive.");
    doc.put("defaultContentType", "application/json");
    ObjectNode servers = doc.putObject("servers");
    ObjectNode kafka = servers.putObject("kafka");
    kafka.put("host", "{bootstrap}");
    kafka.put("protocol", "kafka");
    kafka
        .putObject("variables")
        .putObject("bootstrap")
        .put("default", "localhost:9092")
        .put("description", "kafka.bootstrap.servers");

    ObjectNode channels = doc.putObject("channels");
    ObjectNode operations = doc.putObject("operations");
    ObjectNode components = doc.putObject("components");
    ObjectNode schemas = components.putObject("schemas");
    ObjectNode messages = components.putObject("messages");
    schemas.set(ENVELOPE, load("/schemas/cloudevent.json"));

    Map<String, ObjectNode> channelByTopic = new LinkedHashMap<>();
    for (EventType type : EventType.values()) {
      String topic = topicName.apply(type.topic());
      String channelId = channelId(type.topic());
      ObjectNode channel =
          channelByTopic.computeIfAbsent(
              topic,
              t -> {
                ObjectNode c = channels.putObject(channelId);
                c.put("address", t);
                c.put("title", t);
                c.put("description", "Default name " + type.topic() + "; configurable.");
                c.putObject("messages");
                c.putObject("bindings")
                    .putObject("kafka")
                    .put("topic", t)
                    .put("bindingVersion", "0.5.0");
                return c;
              });
      String messageId = type.type();
      ((ObjectNode) channel.get("messages"))
          .putObject(messageId)
          .put("$ref", "#/components/messages/" + messageId);

      schemas.set(type.type(), load(type.schemaResource()));
      messages.set(messageId, message(type));

      ObjectNode operation = operations.putObject("send-" + type.type());
      operation.put("action", "send");
      operation.putObject("channel").put("$ref", "#/channels/" + channelId);
      operation.put("summary", type.type() + " on " + topic);
      operation
          .putArray("messages")
          .addObject()
          .put("$ref", "#/channels/" + channelId + "/messages/" + messageId);
    }
    ObjectNode dlq = channels.putObject(channelId(Topics.deadLetter(Topics.REQUESTS_INBOUND)));
    dlq.put("address", Topics.deadLetter(topicName.apply(Topics.REQUESTS_INBOUND)));
    dlq.put(
        "description",
        "Inbound records that could not be read, as received; the reason is in the"
            + " dead-letter-reason header.");
    return doc;
  }

  private static ObjectNode message(EventType type) {
    ObjectNode m = NODES.objectNode();
    m.put("name", type.type());
    m.put("title", type.dataClass().getSimpleName());
    m.put("contentType", "application/json");
    m.putObject("bindings")
        .putObject("kafka")
        .put("bindingVersion", "0.5.0")
        .putObject("key")
        .put("type", "string")
        .put("description", "the event's subject");
    ObjectNode payload = m.putObject("payload");
    ArrayNode allOf = payload.putArray("allOf");
    allOf.addObject().put("$ref", "#/components/schemas/" + ENVELOPE);
    ObjectNode specific = allOf.addObject();
    specific.put("type", "object");
    ObjectNode properties = specific.putObject("properties");
    properties.putObject("type").put("const", type.type());
    properties.putObject("dataschema").put("const", type.dataschema());
    properties.putObject("data").put("$ref", "#/components/schemas/" + type.type());
    specific.putArray("required").add("data");
    m.putObject("x-pledge")
        .put("dataClass", type.dataClass().getName())
        .put("defaultTopic", type.topic())
        .put("dataschema", type.dataschema());
    return m;
  }

  /** A channel id without dots, which some AsyncAPI tools mistake for paths. */
  static String channelId(String topic) {
    return topic.replace('.', '-');
  }

  private static JsonNode load(String resource) {
    try (InputStream in = EventType.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the contract has no schema " + resource);
      }
      return EventCodec.JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
