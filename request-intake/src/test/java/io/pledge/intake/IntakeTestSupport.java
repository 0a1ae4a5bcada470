package io.pledge.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.testkit.kafka.EventProbe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;

/** Shared by the @QuarkusTest classes: a probe on Pledge's topics and test documents. */
public final class IntakeTestSupport {

  public static final Duration WAIT = Duration.ofSeconds(15);
  private static EventProbe probe;

  private IntakeTestSupport() {}

  /** One probe per JVM, following the topics request-intake writes to from their beginning. */
  /**
   * The status event answering the inbound event {@code inboundId}: its acceptance or rejection. An
   * accepted request's {@code pledge.request.applied} carries the same correlation id and commits
   * with the acceptance, on another topic, so it may be read first; it is not the answer.
   */
  public static CloudEvent awaitAnswer(String inboundId) {
    return probe()
        .await(
            e -> inboundId.equals(e.correlationid()) && !"pledge.request.applied".equals(e.type()),
            WAIT);
  }

  public static synchronized EventProbe probe() {
    if (probe == null) {
      String bootstrap =
          ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
      probe =
          new EventProbe(
              bootstrap,
              Topics.PROMISES,
              Topics.DESTINATIONS,
              Topics.POLICIES,
              Topics.REQUESTS,
              Topics.STATUS);
    }
    return probe;
  }

  /** POSTs to /api/v1/apply; the body goes as bytes, since RestAssured cannot encode YAML. */
  public static io.restassured.response.Response post(String contentType, String body) {
    return given()
        .contentType(contentType)
        .body(body.getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/apply");
  }

  public static String resource(String path) {
    try (InputStream in = IntakeTestSupport.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String request(String name, String spec) {
    return """
        apiVersion: workshop.kratix.io/v1
        kind: postgresql
        metadata:
          name: %s
          namespace: default
        spec:
        %s
        """
        .formatted(name, spec.indent(2).stripTrailing());
  }

  public static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * A Promise of its own kind {@code Widget} (group {@code <name>.example.com}) without workflows,
   * whose {@code spec.size} defaults to {@code defaultSize}: changing the default changes the spec.
   */
  public static String widgetPromise(String name, String defaultSize) {
    return """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata: {name: %s}
        spec:
          api:
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.%s.example.com}
            spec:
              group: %s.example.com
              names: {kind: Widget, plural: widgets}
              scope: Namespaced
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec:
                          type: object
                          properties:
                            size: {type: string, default: %s}
        """
        .formatted(name, name, name, defaultSize);
  }

  /** Waits until request-intake is ready and the seed Postgres Promise is applied. */
  public static void seedPromise() {
    seedPromiseAs(null);
  }

  /** Like {@link #seedPromise()}, with a bearer token (authentication on); null for none. */
  public static void seedPromiseAs(String token) {
    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .until(() -> given().get("/q/health/ready").statusCode() == 200);
    var request =
        given()
            .contentType("application/yaml")
            .body(resource("/postgres/promise.yaml").getBytes(StandardCharsets.UTF_8));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    request.post("/api/v1/apply").then().statusCode(200);
  }

  /** An inbound CloudEvent from {@code source} whose data is the first document of {@code yaml}. */
  public static CloudEvent inboundEvent(String source, String yaml) {
    return new CloudEvent(
        "1.0",
        UUID.randomUUID().toString(),
        source,
        "io.example.request",
        null,
        Instant.now(),
        "application/json",
        null,
        null,
        io.pledge.contract.kratix.KratixDocuments.readAll(yaml).get(0));
  }

  /**
   * The config overrides of a test profile with authentication on and a tokens file holding {@code
   * yaml} (written to a new temporary file), plus {@code more} overrides.
   */
  public static java.util.Map<String, String> authWithTokensFile(
      String yaml, java.util.Map<String, String> more) {
    try {
      java.nio.file.Path file = java.nio.file.Files.createTempFile("tokens", ".yaml");
      java.nio.file.Files.writeString(file, yaml, StandardCharsets.UTF_8);
      java.util.Map<String, String> overrides = new java.util.HashMap<>(more);
      overrides.put("pledge.intake.auth.enabled", "true");
      overrides.put("pledge.intake.auth.tokens-file", file.toString());
      return overrides;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Asserts that nothing about {@code key} was published on the status and request topics: a marker
   * sent after the call lands behind anything the call published on the same partition, so once the
   * probe has seen the marker it has seen everything before it.
   */
  public static void assertNothingPublishedAbout(String key) {
    List<CloudEvent> about = publishedAfterMarker(key);
    assertThat(about).extracting(CloudEvent::type).isEmpty();
  }

  /** The events about {@code key}, read up to a marker published now. */
  public static List<CloudEvent> publishedAfterMarker(String key) {
    return publishedAfterMarker(key, List.of(Topics.STATUS, Topics.REQUESTS));
  }

  /**
   * The events about {@code key}, read up to a marker published now on each of {@code topics} (a
   * marker on a compacted topic is a record of that key whose type no service folds).
   */
  public static List<CloudEvent> publishedAfterMarker(String key, List<String> topics) {
    String id = "marker-" + UUID.randomUUID();
    for (String topic : topics) {
      CloudEvent marker =
          new CloudEvent(
              "1.0",
              id,
              "/test",
              "test.marker",
              key,
              Instant.now(),
              "application/json",
              null,
              null,
              null);
      probe().publish(topic, key, EventCodec.write(marker));
    }
    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .until(
            () ->
                probe().events().stream().filter(e -> id.equals(e.id())).count() == topics.size());
    return probe().events().stream()
        .filter(e -> key.equals(e.subject()))
        .filter(e -> !e.type().equals("test.marker"))
        .toList();
  }

  public static long count(String type, String key) {
    return probe().events().stream()
        .filter(e -> type.equals(e.type()) && key.equals(e.subject()))
        .count();
  }

  public static final Set<String> REQUEST_TYPES =
      Set.of("pledge.request.accepted", "pledge.request.applied", "pledge.request.deleted");
}
