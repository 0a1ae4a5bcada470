package io.pledge.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventType;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.pledge.testkit.oci.ExampleImages;
import io.pledge.testkit.oci.OciRegistry;
import io.pledge.testkit.otel.CollectedSpan;
import io.pledge.testkit.otel.OtlpCollector;
import io.pledge.testkit.process.PackagedService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The seed scenario across the four packaged services on a real broker: the Postgres Promise, a
 * Destination and a Git state store are applied over REST; a request is committed to Git at
 * Kratix's path by the Promise's OCI images (pulled from a real registry), becomes Reconciled with
 * the commit SHA, and Slack hears of it; a size change rewrites the file in a new commit; a delete
 * removes the folder in a further commit. The services export their traces to an OTLP collector
 * stub: one request is one trace across all four.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedScenarioIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration READY = Duration.ofSeconds(90);
  private static final Duration FLOW = Duration.ofSeconds(60);
  private static final String KEY = "default/postgresql/example";
  private static final String ADMIN_TOKEN = "e2e-admin-token";
  private static final String FILE =
      "worker-1/resources/default/postgresql/example/instance-configure/5058f/postgres-instance.yaml";

  private final Path root =
      Path.of(System.getProperty("pledge.root", "..")).toAbsolutePath().normalize();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<PackagedService> services = new ArrayList<>();
  private Path home;
  private Path repo;
  private WireMockServer slack;
  private EventProbe probe;
  private PackagedService intake;
  private OtlpCollector collector;

  @BeforeAll
  void startPledge() throws IOException {
    home = Files.createTempDirectory("pledge-e2e");
    repo = GitFixtures.bareRepository(home.resolve("state-store.git"), "main");
    Files.writeString(home.resolve("admin.token"), ADMIN_TOKEN);
    Files.createDirectories(home.resolve("intake"));
    Files.writeString(
        home.resolve("intake/tokens.yaml"),
        "tokens:\n  - name: admin\n    token: " + ADMIN_TOKEN + "\n    roles: [platform-admin]\n");
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    kafka.createTopics(KafkaBrokerResource.PLEDGE_TOPICS, KafkaBrokerResource.COMPACTED);
    slack = new WireMockServer(options().dynamicPort());
    slack.start();
    slack.stubFor(
        post(urlEqualTo("/services/e2e")).willReturn(aResponse().withStatus(200).withBody("ok")));
    probe = new EventProbe(kafka.bootstrapServers(), Topics.REQUESTS, Topics.STATUS);
    collector = OtlpCollector.start();

    // The Promise names ghcr.io/pledge-io/examples/... images; they are built from the examples'
    // Containerfiles into a local registry, which registries.conf puts in ghcr.io's place.
    Path registriesConf = ExampleImages.publish(OciRegistry.shared(), root);

    Path logs = root.resolve("end-to-end/target/e2e-logs");
    for (String module : List.of("request-intake", "pipeline-runner", "state-writer", "notifier")) {
      PackagedService service =
          new PackagedService(root, module, logs)
              .env("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())
              .env("PLEDGE_HOME", home.toString())
              .env("PLEDGE_INTAKE_AUTH_ENABLED", "true")
              .env("CONTAINERS_REGISTRIES_CONF", registriesConf.toString())
              .env("PLEDGE_NOTIFIER_SLACK_WEBHOOK_URL", slack.baseUrl() + "/services/e2e")
              .env("QUARKUS_OTEL_SDK_DISABLED", "false")
              .env("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint())
              .env("QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
              .env("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms");
      services.add(service.start());
    }
    services.forEach(s -> s.awaitReady(READY));
    intake = services.get(0);
  }

  @AfterAll
  void stopPledge() {
    services.forEach(PackagedService::close);
    if (probe != null) {
      probe.close();
    }
    if (slack != null) {
      slack.stop();
    }
    if (collector != null) {
      collector.close();
    }
  }

  @Test
  @Order(1)
  void requestIsCommittedReconciledAndAnnounced() throws Exception {
    // As shipped: its url, state-store.git, is relative to the services' PLEDGE_HOME (repo's).
    String store = example("gitstatestore.yaml");
    assertThat(apply(store).statusCode()).isEqualTo(200);
    assertThat(apply(example("destination.yaml")).statusCode()).isEqualTo(200);
    assertThat(apply(example("promise.yaml")).statusCode()).isEqualTo(200);

    HttpResponse<String> applied = apply(example("request.yaml"));
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);

    JsonNode resource =
        awaitResource(r -> reconciled(r) && r.at("/status/observedGeneration").asLong() == 1);
    String sha = resource.at("/status/destinations/0/commit").asText();
    assertThat(sha).isEqualTo(GitFixtures.head(repo, "main"));
    assertThat(resource.at("/status/destinations/0/name").asText()).isEqualTo("worker-1");
    assertThat(resource.at("/status/message").asText()).isEqualTo("Resource requested");
    // The pipeline's second container (the image scanner) reports through status.yaml.
    assertThat(resource.at("/status/images").isArray()).as(resource.toString()).isTrue();
    // Each container ran the registry's image, pinned by digest in the pipeline's phase.
    JsonNode ran = resource.at("/status/kratix/workflows/pipelines/0/containers");
    assertThat(ran.findValuesAsText("image"))
        .as(resource.toString())
        .containsExactly(
            "ghcr.io/pledge-io/examples/postgres-configure:v1",
            "ghcr.io/pledge-io/examples/image-scanner:v1");
    assertThat(ran.findValuesAsText("imageDigest")).allMatch(d -> d.matches("sha256:[0-9a-f]{64}"));
    String manifest = GitFixtures.readFile(repo, "main", FILE).orElseThrow();
    assertThat(manifest)
        .contains("name: acid-example-postgresql")
        .contains("size: 1Gi")
        .contains("numberOfInstances: 1")
        .contains("bestdb: acid");

    await().atMost(FLOW).until(() -> slackMessages().size() >= 1);
    Thread.sleep(1000); // a duplicate would arrive right behind the first
    List<LoggedRequest> messages = slackMessages();
    assertThat(messages).hasSize(1);
    assertThat(messages.get(0).getBodyAsString()).contains("example").contains("default");
  }

  @Test
  @Order(2)
  void sizeChangeRewritesTheFileInANewCommit() throws Exception {
    String before = GitFixtures.head(repo, "main");
    String large = example("request.yaml").replace("size: small", "size: large");

    assertThat(apply(large).statusCode()).isEqualTo(200);

    JsonNode resource =
        awaitResource(r -> reconciled(r) && r.at("/status/observedGeneration").asLong() == 2);
    String sha = resource.at("/status/destinations/0/commit").asText();
    assertThat(sha).isNotEqualTo(before).isEqualTo(GitFixtures.head(repo, "main"));
    assertThat(GitFixtures.readFile(repo, "main", FILE).orElseThrow())
        .contains("size: 10Gi")
        .contains("numberOfInstances: 5");
  }

  @Test
  @Order(3)
  void deleteRemovesTheFolderInAFurtherCommit() throws Exception {
    String before = GitFixtures.head(repo, "main");
    HttpResponse<String> deleted = send("DELETE", "/api/v1/resources/" + KEY, null, null);
    assertThat(deleted.statusCode()).isBetween(200, 204);

    await().atMost(FLOW).until(() -> get("/api/v1/resources/" + KEY).statusCode() == 404);
    assertThat(GitFixtures.head(repo, "main")).isNotEqualTo(before);
    assertThat(GitFixtures.listFiles(repo, "main"))
        .noneMatch(f -> f.startsWith("worker-1/resources/default/postgresql/example/"));
  }

  @Test
  @Order(4)
  void anonymousCallsAreRefused() throws Exception {
    HttpRequest anonymous =
        HttpRequest.newBuilder(URI.create(intake.url() + "/api/v1/resources/" + KEY)).build();
    HttpResponse<String> response = http.send(anonymous, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
  }

  @Test
  @Order(5)
  void requestViolatingTheSchemaIsRejectedAndNothingIsPublished() throws Exception {
    String huge =
        example("request.yaml")
            .replace("name: example", "name: huge")
            .replace("size: small", "size: huge");
    String anonymous =
        example("request.yaml")
            .replace("name: example", "name: anonymous")
            .replace("  requester: requester-name\n", "");

    HttpResponse<String> rejected = apply(huge);
    HttpResponse<String> noRequester = apply(anonymous);

    assertThat(rejected.statusCode()).isEqualTo(422);
    assertThat(rejected.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(rejected.body()).contains("/spec/size");
    assertThat(noRequester.statusCode()).isEqualTo(422);
    assertThat(noRequester.body()).contains("requester");

    // A valid request after them: once its event is seen, the rejected ones would have been too.
    assertThat(apply(example("request.yaml").replace("name: example", "name: marker")).statusCode())
        .isEqualTo(200);
    probe.await(EventType.REQUEST_APPLIED.type(), "default/postgresql/marker", FLOW);
    List<CloudEvent> events = probe.events();
    assertThat(events)
        .noneMatch(
            e ->
                e.subject() != null
                    && (e.subject().endsWith("/huge") || e.subject().endsWith("/anonymous")));
  }

  @Test
  @Order(6)
  void oneRequestIsOneTraceAcrossTheFourServices() throws Exception {
    String traceId = randomHex(16);
    String callerSpan = randomHex(8);
    String key = "default/postgresql/traced";
    String request = example("request.yaml").replace("name: example", "name: traced");
    // Works that arrive together share a commit, whose push is traced in the first one's trace
    // (and linked from the others'): with the writer idle, this request's push is in its own.
    awaitEveryRequestReconciled();

    HttpResponse<String> applied =
        send(
            "POST",
            "/api/v1/apply",
            "application/yaml",
            request,
            "00-" + traceId + "-" + callerSpan + "-01");
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
    awaitResource(key, SeedScenarioIT::reconciled);
    LoggedRequest post =
        await()
            .atMost(FLOW)
            .until(
                () ->
                    slackMessages().stream()
                        .filter(m -> m.getBodyAsString().contains("traced"))
                        .findFirst()
                        .orElse(null),
                m -> m != null);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              List<CollectedSpan> trace = collector.trace(traceId);
              assertThat(trace)
                  .extracting(CollectedSpan::service)
                  .contains("request-intake", "pipeline-runner", "state-writer", "notifier");
              assertThat(trace)
                  .as("a pipeline stage")
                  .anyMatch(
                      s -> s.service().equals("pipeline-runner") && s.name().startsWith("stage "));
              assertThat(trace)
                  .as("the Git push")
                  .anyMatch(s -> s.service().equals("state-writer") && s.name().equals("git push"));
              assertThat(trace)
                  .as("the Slack call")
                  .anyMatch(
                      s ->
                          s.service().equals("notifier")
                              && s.name().equals("POST slack")
                              && s.kind().equals("SPAN_KIND_CLIENT"));
              // One tree: every span hangs from another span of the trace, or from the caller.
              Set<String> ids =
                  trace.stream().map(CollectedSpan::spanId).collect(Collectors.toSet());
              assertThat(trace)
                  .filteredOn(s -> !ids.contains(s.parentSpanId()))
                  .extracting(CollectedSpan::parentSpanId)
                  .containsOnly(callerSpan);
            });
    // Slack hears the trace too, and the services' log lines carry its id.
    assertThat(post.getHeader("traceparent")).contains(traceId);
    Path logs = root.resolve("end-to-end/target/e2e-logs");
    for (String module : List.of("request-intake", "state-writer", "notifier")) {
      assertThat(Files.readString(logs.resolve(module + ".log")))
          .as("log of %s", module)
          .contains(traceId);
    }
  }

  private void awaitEveryRequestReconciled() {
    await()
        .atMost(FLOW)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              HttpResponse<String> list = get("/api/v1/resources/default/postgresql");
              if (list.statusCode() != 200) {
                return list.statusCode() == 404;
              }
              for (JsonNode item : JSON.readTree(list.body()).path("items")) {
                if (!reconciled(item)) {
                  return false;
                }
              }
              return true;
            });
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  private JsonNode awaitResource(Predicate<JsonNode> condition) {
    return awaitResource(KEY, condition);
  }

  private JsonNode awaitResource(String key, Predicate<JsonNode> condition) {
    return await()
        .atMost(FLOW)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              HttpResponse<String> response = get("/api/v1/resources/" + key);
              return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
            },
            r -> r != null && condition.test(r));
  }

  private static boolean reconciled(JsonNode resource) {
    for (JsonNode condition : resource.at("/status/conditions")) {
      if ("Reconciled".equals(condition.path("type").asText())) {
        return "True".equals(condition.path("status").asText());
      }
    }
    return false;
  }

  private List<LoggedRequest> slackMessages() {
    return slack.findAll(postRequestedFor(urlEqualTo("/services/e2e")));
  }

  private String example(String file) throws IOException {
    return Files.readString(root.resolve("examples/postgres").resolve(file));
  }

  private HttpResponse<String> apply(String yaml) throws Exception {
    return send("POST", "/api/v1/apply", "application/yaml", yaml);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null, null);
  }

  private HttpResponse<String> send(String method, String path, String contentType, String body)
      throws Exception {
    return send(method, path, contentType, body, null);
  }

  /** With {@code traceparent} non-null, the call is part of that W3C trace. */
  private HttpResponse<String> send(
      String method, String path, String contentType, String body, String traceparent)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(intake.url() + path))
            .header("Accept", "application/json")
            .timeout(Duration.ofSeconds(30));
    if (traceparent != null) {
      request.header("traceparent", traceparent);
    }
    Path token = home.resolve("admin.token");
    if (Files.exists(token)) {
      request.header("Authorization", "Bearer " + Files.readString(token).trim());
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", contentType)
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
