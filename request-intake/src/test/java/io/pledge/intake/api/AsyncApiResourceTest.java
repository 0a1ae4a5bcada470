package io.pledge.intake.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class AsyncApiResourceTest {

  private static JsonNode contractSchema(String resource) throws Exception {
    try (InputStream in = EventType.class.getResourceAsStream(resource)) {
      return EventCodec.JSON.readTree(in);
    }
  }

  @Test
  void describesEveryEventTypeWithItsSchemaAndTopic() throws Exception {
    JsonNode doc =
        EventCodec.JSON.readTree(
            given()
                .accept("application/json")
                .get("/api/v1/asyncapi")
                .then()
                .statusCode(200)
                .extract()
                .asString());

    assertThat(doc.path("asyncapi").asText()).isEqualTo("3.0.0");
    assertThat(doc.at("/components/schemas/CloudEvent"))
        .isEqualTo(contractSchema("/schemas/cloudevent.json"));
    for (EventType type : EventType.values()) {
      String t = type.type();
      assertThat(doc.at("/components/schemas").get(t))
          .as("schema of %s", t)
          .isEqualTo(contractSchema(type.schemaResource()));
      JsonNode message = doc.at("/components/messages").get(t);
      assertThat(message).as("message %s", t).isNotNull();
      assertThat(message.at("/payload/allOf/0/$ref").asText())
          .isEqualTo("#/components/schemas/CloudEvent");
      assertThat(message.at("/payload/allOf/1/properties/type/const").asText()).isEqualTo(t);
      assertThat(message.at("/payload/allOf/1/properties/data/$ref").asText())
          .isEqualTo("#/components/schemas/" + t);
      assertThat(message.at("/payload/allOf/1/properties/dataschema/const").asText())
          .isEqualTo(type.dataschema());

      String channelId = type.topic().replace('.', '-');
      JsonNode channel = doc.at("/channels").get(channelId);
      assertThat(channel).as("channel of %s", t).isNotNull();
      assertThat(channel.path("address").asText()).isEqualTo(type.topic());
      assertThat(channel.path("messages").get(t).path("$ref").asText())
          .isEqualTo("#/components/messages/" + t);
      JsonNode operation = doc.at("/operations").get("send-" + t);
      assertThat(operation.path("action").asText()).isEqualTo("send");
      assertThat(operation.at("/channel/$ref").asText()).isEqualTo("#/channels/" + channelId);
    }
  }

  @Test
  void servesYamlWhenAsked() {
    String yaml =
        given()
            .accept("application/yaml")
            .get("/api/v1/asyncapi")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(yaml).startsWith("asyncapi: 3.0.0").contains("pledge.pipeline.log");
  }

  @Test
  void rendersThePageForPeopleWithNothingFetchedFromElsewhere() {
    String html =
        given()
            .get("/asyncapi")
            .then()
            .statusCode(200)
            .contentType(startsWith("text/html"))
            .extract()
            .asString();

    for (EventType type : EventType.values()) {
      assertThat(html).contains("<h3><code>" + type.type() + "</code></h3>");
    }
    assertThat(html)
        .contains("<h2><code>pledge.components</code></h2>")
        .doesNotContain("<script")
        .doesNotContain("src=")
        .doesNotContain("<link");
  }
}
