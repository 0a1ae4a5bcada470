package io.pledge.intake.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pledge.contract.kratix.RequiredPromises;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * requiredPromises: a Promise is Unavailable, with Kratix's RequirementsFulfilled condition and the
 * state of each requirement, until they are all Available; a cycle is refused.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class RequiredPromisesResourceTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeEach
  void seed() {
    IntakeTestSupport.seedPromise();
  }

  /** A widget Promise named {@code name} at {@code version}, requiring {@code required}. */
  private static String promise(String name, String version, String required) {
    return IntakeTestSupport.widgetPromise(name, "small")
        .replace(
            "metadata: {name: " + name + "}",
            "metadata: {name: " + name + ", labels: {kratix.io/promise-version: " + version + "}}")
        .replace("spec:\n  api:", "spec:\n  requiredPromises: [" + required + "]\n  api:");
  }

  private static Response apply(String yaml) {
    return IntakeTestSupport.post("application/yaml", yaml);
  }

  private static JsonNode status(String promise) throws Exception {
    return JSON.readTree(given().get("/api/v1/promises/" + promise).asString()).path("status");
  }

  private static String requirementState(String promise) throws Exception {
    return status(promise).at("/requiredPromises/0/state").asText();
  }

  @Test
  void aPromiseIsUnavailableUntilItsRequirementIsThereAtItsVersionAndAvailable() throws Exception {
    String app = IntakeTestSupport.unique("app");
    String backend = IntakeTestSupport.unique("backend");

    apply(promise(app, "v1", "{name: " + backend + ", version: v2}")).then().statusCode(200);
    JsonNode status = status(app);
    assertThat(status.path("status").asText()).isEqualTo("Unavailable");
    assertThat(status.at("/requiredPromises/0/name").asText()).isEqualTo(backend);
    assertThat(status.at("/requiredPromises/0/version").asText()).isEqualTo("v2");
    assertThat(requirementState(app)).isEqualTo(RequiredPromises.NOT_INSTALLED);
    assertThat(status.path("conditions").findParents("type"))
        .anySatisfy(
            c -> {
              assertThat(c.path("type").asText()).isEqualTo("RequirementsFulfilled");
              assertThat(c.path("status").asText()).isEqualTo("False");
              assertThat(c.path("reason").asText()).isEqualTo("RequirementsNotInstalled");
            });

    apply(promise(backend, "v1", "")).then().statusCode(200);
    assertThat(requirementState(app)).isEqualTo(RequiredPromises.WRONG_VERSION);

    apply(promise(backend, "v2", "")).then().statusCode(200);
    // Known at its version, but no runner here ran its workflows: not Available yet.
    assertThat(requirementState(app)).isEqualTo(RequiredPromises.NOT_AVAILABLE);
    // Kratix's requiredBy on the required one.
    JsonNode requiredBy = status(backend).path("requiredBy");
    assertThat(requiredBy).hasSize(1);
    assertThat(requiredBy.at("/0/promise/name").asText()).isEqualTo(app);
    assertThat(requiredBy.at("/0/promise/version").asText()).isEqualTo("v1");
    assertThat(requiredBy.at("/0/requiredVersion").asText()).isEqualTo("v2");
  }

  @Test
  void aCycleOfRequiredPromisesIsRefused() throws Exception {
    String a = IntakeTestSupport.unique("a");
    String b = IntakeTestSupport.unique("b");
    apply(promise(a, "v1", "{name: " + b + "}")).then().statusCode(200);

    Response refused = apply(promise(b, "v1", "{name: " + a + "}"));

    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.asString())
        .contains("/spec/requiredPromises")
        .contains("cycle of required Promises: " + b + " -> " + a + " -> " + b);
    given().get("/api/v1/promises/" + b).then().statusCode(404);

    Response itself = apply(promise(b, "v1", "{name: " + b + "}"));
    assertThat(itself.statusCode()).isEqualTo(422);
    assertThat(itself.asString()).contains(b + " -> " + b);
  }
}
