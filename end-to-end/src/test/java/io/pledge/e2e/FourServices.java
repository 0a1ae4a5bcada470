package io.pledge.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.pledge.testkit.process.PackagedService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * The four packaged services on an in-process broker of their own, with a Git state store
 * repository in their home, an admin token and a Slack stand-in: what an end-to-end test of a
 * scenario needs.
 */
final class FourServices implements AutoCloseable {

  private static final Duration READY = Duration.ofSeconds(90);

  /** How long a step of a scenario may take. */
  static final Duration FLOW = Duration.ofSeconds(120);

  private static final String TOKEN = "e2e-admin-token";

  /** A requester's token, confined to namespace {@code team-a}. */
  static final String REQUESTER_TOKEN = "e2e-requester-token";

  private final List<PackagedService> services = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final WireMockServer slack = new WireMockServer(options().dynamicPort());
  private final Path repo;
  private final IntakeClient intake;
  private final Path root;
  private final Path home;
  private final Path logs;
  private final Path registriesConf;
  private final Map<String, String> intakeEnv;
  private EmbeddedKafka kafka;

  /**
   * @param root the checkout
   * @param name names the temporary home and the log folder under end-to-end/target/e2e-logs
   * @param registriesConf where the services' pipeline images are pulled from
   */
  FourServices(Path root, String name, Path registriesConf) {
    this(root, name, registriesConf, Map.of());
  }

  /**
   * @param intakeEnv more environment for request-intake (e.g. its Kubernetes mode)
   */
  FourServices(Path root, String name, Path registriesConf, Map<String, String> intakeEnv) {
    this.root = root;
    this.registriesConf = registriesConf;
    this.intakeEnv = Map.copyOf(intakeEnv);
    this.logs = root.resolve("end-to-end/target/e2e-logs/" + name);
    try {
      home = Files.createTempDirectory("pledge-" + name);
      repo = GitFixtures.bareRepository(home.resolve("state-store.git"), "main");
      Files.createDirectories(home.resolve("intake"));
      Files.writeString(
          home.resolve("intake/tokens.yaml"),
          "tokens:\n  - name: admin\n    token: "
              + TOKEN
              + "\n    roles: [platform-admin]\n"
              + "  - name: ana\n    token: "
              + REQUESTER_TOKEN
              + "\n    roles: [requester]\n    namespaces: [team-a]\n");
      // A broker of its own: what a scenario applies (Destinations, stores, a transactional id's
      // open transactions) must not reach the next test class's services.
      kafka = EmbeddedKafka.start();
      kafka.createTopics(KafkaBrokerResource.PLEDGE_TOPICS, KafkaBrokerResource.COMPACTED);
      slack.start();
      slack.stubFor(post(urlEqualTo("/services/e2e")).willReturn(aResponse().withStatus(200)));
      for (String module :
          List.of("request-intake", "pipeline-runner", "state-writer", "notifier")) {
        PackagedService service = withCommonEnv(new PackagedService(root, module, logs));
        if (module.equals("request-intake")) {
          intakeEnv.forEach(service::env);
        }
        services.add(service.start());
      }
      services.forEach(s -> s.awaitReady(READY));
      intake = new IntakeClient(services.get(0).url(), TOKEN);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private PackagedService withCommonEnv(PackagedService service) {
    return service
        .env("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())
        .env("PLEDGE_HOME", home.toString())
        .env("PLEDGE_INTAKE_AUTH_ENABLED", "true")
        .env("CONTAINERS_REGISTRIES_CONF", registriesConf.toString())
        .env("PLEDGE_NOTIFIER_SLACK_WEBHOOK_URL", slack.baseUrl() + "/services/e2e");
  }

  /**
   * Another request-intake instance named {@code instance}, with the first one's environment and a
   * port, instance id and Streams state folder of its own; started and ready. Closed with the rest.
   */
  PackagedService startAnotherIntake(String instance) {
    PackagedService service =
        withCommonEnv(new PackagedService(root, "request-intake", instance, logs));
    intakeEnv.forEach(service::env);
    service
        .env("PLEDGE_INSTANCE_ID", instance)
        .env("PLEDGE_INTAKE_RESOURCES_STATE_DIR", home.resolve("state/" + instance).toString());
    services.add(service.start());
    service.awaitReady(READY);
    return service;
  }

  IntakeClient intake() {
    return intake;
  }

  /** The services' broker. */
  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** request-intake's process, to stop and start it. */
  PackagedService intakeService() {
    return services.get(0);
  }

  /** The admin's bearer token. */
  String token() {
    return TOKEN;
  }

  /** The bare repository the {@code default} GitStateStore points at. */
  Path repo() {
    return repo;
  }

  /**
   * The examples' GitStateStore {@code default} as shipped: its {@code url: state-store.git} is
   * relative to the services' {@code PLEDGE_HOME}, where {@link #repo()} is.
   */
  String gitStateStore(Path root) throws IOException {
    return Files.readString(root.resolve("examples/postgres/gitstatestore.yaml"));
  }

  /** Applies {@code yaml} and expects it accepted. */
  void apply(String yaml) throws Exception {
    HttpResponse<String> response = intake.apply(yaml);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /** {@code DELETE path} as the admin; answers the status code. */
  int delete(String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(intake.url() + path))
                .header("Authorization", "Bearer " + TOKEN)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode();
  }

  /** Waits until {@code GET path} answers a document {@code condition} holds for. */
  JsonNode await(String path, Predicate<JsonNode> condition) {
    return Awaitility.await()
        .atMost(FLOW)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> intake.get(path), r -> r.isPresent() && condition.test(r.get()))
        .orElseThrow();
  }

  /** The status of the condition {@code type} of {@code object}, or "" without one. */
  static String condition(JsonNode object, String type) {
    return conditionField(object, type, "status");
  }

  static String conditionField(JsonNode object, String type, String field) {
    for (JsonNode c : object.at("/status/conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c.path(field).asText();
      }
    }
    return "";
  }

  /** Reconciled True at the generation the request is at. */
  static boolean reconciled(JsonNode resource) {
    return "True".equals(condition(resource, "Reconciled"))
        && resource.at("/status/observedGeneration").asLong()
            == resource.at("/status/pledge/generation").asLong();
  }

  @Override
  public void close() {
    services.forEach(PackagedService::close);
    slack.stop();
    if (kafka != null) {
      kafka.stop();
    }
  }
}
