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
import io.pledge.contract.event.EventType;
import io.pledge.e2e.ConcurrentUpdates.Answer;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.pledge.testkit.oci.ExampleImages;
import io.pledge.testkit.oci.OciRegistry;
import io.pledge.testkit.oci.RegistriesConf;
import io.pledge.testkit.oci.TestImages;
import io.pledge.testkit.process.PackagedService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue #15 end to end: two packaged instances of each of the four services on one broker, the
 * bench Promise (one busybox stage that writes a manifest carrying the request's generation and
 * {@code spec.seq}). Concurrent updates of the same resources through both intakes get distinct
 * generations and end at the highest one's spec everywhere; one instance of each service is
 * SIGKILLed mid-load and the survivors finish the work with nothing lost or doubled; a third state
 * writer joins while the Git remote refuses pushes, and the Works commit once the remote heals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {

  private static final Duration READY = Duration.ofSeconds(120);
  private static final Duration FLOW = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "e2e-admin-token";
  private static final String STORE_PREFIX = "bench-worker/resources/default/bench";
  private static final List<String> NAMES =
      IntStream.range(0, 10).mapToObj(i -> String.format("r%02d", i)).toList();

  private final Path root =
      Path.of(System.getProperty("pledge.root", "..")).toAbsolutePath().normalize();
  private final Path logs = root.resolve("end-to-end/target/e2e-logs/scale-out");
  private final List<Answer> accepted = new ArrayList<>();
  private Path home;
  private Path repo;
  private EmbeddedKafka kafka;
  private WireMockServer slack;
  private EventProbe probe;
  private PledgeReplicas pledge;
  private List<IntakeClient> intakes;
  private Instant notifierKilledAt;

  @BeforeAll
  void startTwoOfEachService() throws IOException {
    home = Files.createTempDirectory("pledge-scale-out");
    repo = GitFixtures.bareRepository(home.resolve("state-store.git"), "main");
    Files.createDirectories(home.resolve("intake"));
    Files.writeString(
        home.resolve("intake/tokens.yaml"),
        "tokens:\n  - name: admin\n    token: " + TOKEN + "\n    roles: [platform-admin]\n");
    // A broker of its own: the shared one holds the seed scenario's resources and committed group
    // offsets when both classes run in one JVM, and this class's Git remote is another.
    kafka = EmbeddedKafka.start();
    kafka.createTopics(KafkaBrokerResource.PLEDGE_TOPICS, KafkaBrokerResource.COMPACTED);
    slack = new WireMockServer(options().dynamicPort());
    slack.start();
    slack.stubFor(
        post(urlEqualTo("/services/e2e")).willReturn(aResponse().withStatus(200).withBody("ok")));
    probe = new EventProbe(kafka.bootstrapServers(), Topics.STATUS);

    pledge =
        new PledgeReplicas(
                root,
                home,
                logs,
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "PLEDGE_HOME", home.toString(),
                    "PLEDGE_INTAKE_AUTH_ENABLED", "true",
                    "CONTAINERS_REGISTRIES_CONF", publishBenchStage().toString(),
                    "PLEDGE_NOTIFIER_SLACK_WEBHOOK_URL", slack.baseUrl() + "/services/e2e"))
            .start(2, READY);
    intakes =
        List.of(
            new IntakeClient(pledge.instance("request-intake", 1).url(), TOKEN),
            new IntakeClient(pledge.instance("request-intake", 2).url(), TOKEN));
  }

  /**
   * The bench Promise's stage image, as {@code deploy/local/images} builds it (its entrypoint on a
   * busybox base), in a local registry that registries.conf puts in ghcr.io's place.
   */
  private Path publishBenchStage() throws IOException {
    OciRegistry registry = OciRegistry.shared();
    new TestImages(registry, Files.createTempDirectory("pledge-bench-stage"))
        .script(
            "pledge-io/examples/bench-stage:v1",
            Files.readString(root.resolve("bench/promise/pipeline/configure/entrypoint")));
    return RegistriesConf.mirror(
        home.resolve("registries.conf"),
        ExampleImages.PREFIX,
        registry.host() + "/pledge-io/examples");
  }

  @AfterAll
  void stopPledge() {
    if (pledge != null) {
      pledge.close();
    }
    if (probe != null) {
      probe.close();
    }
    if (slack != null) {
      slack.stop();
    }
    if (kafka != null) {
      kafka.stop();
    }
  }

  @Test
  @Order(0)
  void onePromiseChangedThroughBothIntakesAtOnceGetsDistinctGenerations() throws Exception {
    int perIntake = 4;
    List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
    for (int i = 0; i < intakes.size(); i++) {
      IntakeClient intake = intakes.get(i);
      int replica = i;
      answers.add(
          CompletableFuture.supplyAsync(
              () -> {
                List<JsonNode> mine = new ArrayList<>();
                for (int n = 0; n < perIntake; n++) {
                  try {
                    var answer = intake.apply(fencedPromise("r" + replica + "-" + n));
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    mine.add(JSON.readTree(answer.body()).get(0));
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                  }
                }
                return JSON.valueToTree(mine);
              }));
    }
    List<Long> generations = new ArrayList<>();
    for (CompletableFuture<JsonNode> answer : answers) {
      for (JsonNode applied : answer.get()) {
        assertThat(applied.path("outcome").asText()).isIn("created", "configured");
        generations.add(applied.path("generation").asLong());
      }
    }
    // Every apply changed the spec: generations 1..8, none twice, none skipped.
    assertThat(generations)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.rangeClosed(1, intakes.size() * perIntake).mapToObj(i -> (long) i).toList());
    for (IntakeClient intake : intakes) {
      await()
          .atMost(FLOW)
          .until(
              () ->
                  intake
                          .get("/api/v1/promises/fenced")
                          .map(p -> p.at("/metadata/generation").asLong())
                          .orElse(0L)
                      == intakes.size() * perIntake);
    }
  }

  /** A Promise without workflows whose spec differs by {@code version}. */
  private static String fencedPromise(String version) {
    return """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata: {name: fenced}
        spec:
          api:
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: gadgets.fenced.example.com}
            spec:
              group: fenced.example.com
              names: {kind: Gadget, plural: gadgets}
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
                            version: {type: string, default: %s}
        """
        .formatted(version);
  }

  @Test
  @Order(1)
  void concurrentUpdatesThroughBothIntakesGetDistinctGenerationsAndEndAtTheHighest()
      throws Exception {
    applyThePromiseAndItsStore();
    ConcurrentUpdates updates = new ConcurrentUpdates(intakes, NAMES);

    updates.run(3);

    assertThat(updates.refusals()).isEmpty();
    List<Answer> answers = updates.answers();
    accepted.addAll(answers);
    assertThat(answers).hasSize(2 * 3 * NAMES.size());
    assertThat(answers).allMatch(a -> a.generation() >= 1, "every answer carries a generation");
    // Every apply carried a seq of its own: each is a change and takes a generation of its own.
    assertThat(answers).extracting(Answer::outcome).containsOnly("created", "configured");
    Map<String, List<Long>> generations =
        answers.stream()
            .collect(
                Collectors.groupingBy(
                    Answer::key, Collectors.mapping(Answer::generation, Collectors.toList())));
    generations.forEach(
        (key, list) -> assertThat(list).as("generations of %s", key).doesNotHaveDuplicates());
    // Read-your-writes: both intakes answer the last generation at once, before any reconcile.
    Map<String, Answer> last = NothingLostOrDoubled.last(answers);
    for (IntakeClient intake : intakes) {
      for (Answer answer : last.values()) {
        JsonNode resource = intake.get(path(answer.key())).orElseThrow();
        assertThat(resource.at("/metadata/generation").asLong())
            .as("%s on %s", answer.key(), intake.url())
            .isEqualTo(answer.generation());
        assertThat(resource.at("/spec/seq").asLong()).isEqualTo(answer.seq());
      }
    }

    awaitReconciledAtTheLastGeneration(intakes, last);
    assertNothingLostOrDoubled();
    // Without a fault, no workflow ran to completion twice for one generation.
    Map<String, Long> completions =
        probe.events().stream()
            .filter(e -> EventType.WORKFLOW_COMPLETED.type().equals(e.type()))
            // Every runner instance runs each Promise's own workflow once, by design
            // (pipeline-runner/DESIGN.md): only resource workflows are one per generation.
            .filter(e -> "resource".equals(e.data().at("/workflow/workflowType").asText()))
            .map(
                e ->
                    e.data().at("/workflow/key").asText()
                        + "@"
                        + e.data().at("/workflow/generation").asLong())
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(completions).allSatisfy((run, n) -> assertThat(n).as(run).isEqualTo(1));
  }

  @Test
  @Order(2)
  void oneInstanceOfEachServiceKilledMidLoadLosesAndDoublesNothing() throws Exception {
    ConcurrentUpdates updates = new ConcurrentUpdates(intakes, NAMES);
    CompletableFuture<Void> load =
        CompletableFuture.runAsync(
            () -> {
              try {
                updates.run(4);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    await().atMost(FLOW).until(() -> updates.answers().size() >= 20);
    List<PackagedService> killed =
        List.of(
            pledge.instance("request-intake", 2),
            pledge.instance("pipeline-runner", 1),
            pledge.instance("state-writer", 1),
            pledge.instance("notifier", 2));
    killed.forEach(PackagedService::kill);
    notifierKilledAt = Instant.now();
    int answeredBeforeTheKill = updates.answers().size();
    load.get();
    assertThat(updates.answers().size())
        .as("the load went on after the kill")
        .isGreaterThan(answeredBeforeTheKill);
    // After the load, one more apply of each resource through the survivor: an apply whose
    // answer died with its intake may still have been decided, and this one is then the last.
    for (String name : NAMES) {
      updates.applyOnce(0, name, "after-the-kill");
    }

    assertThat(updates.refusals()).as("applies no intake accepted").isEmpty();
    accepted.addAll(updates.answers());
    updates.answers().stream()
        .filter(a -> !a.outcome().equals("unchanged"))
        .collect(
            Collectors.groupingBy(
                Answer::key, Collectors.mapping(Answer::generation, Collectors.toList())))
        .forEach(
            (key, list) -> assertThat(list).as("generations of %s", key).doesNotHaveDuplicates());
    List<IntakeClient> survivors = List.of(intakes.get(0));
    awaitReconciledAtTheLastGeneration(survivors, NothingLostOrDoubled.last(accepted));
    assertNothingLostOrDoubled();
    assertThat(killed).noneMatch(PackagedService::isAlive);
  }

  @Test
  @Order(3)
  void writerJoiningWhileTheRemoteRefusesPushesCommitsEachWorkOnce() throws Exception {
    IntakeClient survivor = intakes.get(0);
    ConcurrentUpdates updates = new ConcurrentUpdates(List.of(survivor), NAMES);
    Path away = home.resolve("state-store.git.away");
    int seen = probe.events().size();
    int written = snapshot().writes().size();
    // The remote is gone: the writer holds the batch, reports WORK_FAILED and retries.
    Files.move(repo, away);
    try {
      for (String name : NAMES) {
        updates.applyOnce(0, name, "while-the-remote-refuses");
      }
      await()
          .atMost(FLOW)
          .until(
              () ->
                  probe.events().stream()
                      .skip(seen)
                      .anyMatch(e -> EventType.WORK_FAILED.type().equals(e.type())));
      pledge.add("state-writer", READY);
    } finally {
      Files.move(away, repo);
    }

    assertThat(updates.refusals()).isEmpty();
    accepted.addAll(updates.answers());
    awaitReconciledAtTheLastGeneration(List.of(survivor), NothingLostOrDoubled.last(accepted));
    // The history from here on: what the earlier tests wrote is theirs to judge.
    assertNothingLostOrDoubled(written);
    assertThat(pledge.alive("state-writer")).hasSize(2);
  }

  private void applyThePromiseAndItsStore() throws Exception {
    String store =
        Files.readString(root.resolve("bench/promise/gitstatestore.yaml"))
            .replace("file://${PLEDGE_HOME}/state-store.git", repo.toUri().toString());
    String policy =
        "apiVersion: pledge.io/v1alpha1\nkind: NotificationPolicy\nmetadata:\n  name: bench\n"
            + "spec:\n  promise: bench\n  rules:\n    - events: [reconciled, failed]\n"
            + "      channel: slack\n"
            + "      template: \"bench {resource.key} {event} generation {generation}\"\n";
    for (String document :
        List.of(
            store,
            Files.readString(root.resolve("bench/promise/destination.yaml")),
            Files.readString(root.resolve("bench/promise/promise.yaml")),
            policy)) {
      var answer = intakes.get(0).apply(document);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }
    // Promises and policies are not ordered across intakes: both must know them before requests.
    for (IntakeClient intake : intakes) {
      await()
          .atMost(FLOW)
          .until(
              () ->
                  intake.get("/api/v1/promises/bench").isPresent()
                      && intake.get("/api/v1/notificationpolicies/bench").isPresent());
    }
  }

  private void awaitReconciledAtTheLastGeneration(List<IntakeClient> on, Map<String, Answer> last) {
    await()
        .atMost(FLOW)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              for (IntakeClient intake : on) {
                for (Answer answer : last.values()) {
                  JsonNode resource = intake.get(path(answer.key())).orElseThrow();
                  assertThat(resource.at("/metadata/generation").asLong())
                      .as("%s generation on %s", answer.key(), intake.url())
                      .isEqualTo(answer.generation());
                  assertThat(resource.at("/spec/seq").asLong()).isEqualTo(answer.seq());
                  assertThat(resource.at("/status/observedGeneration").asLong())
                      .as("%s observed on %s", answer.key(), intake.url())
                      .isEqualTo(answer.generation());
                  assertThat(reconciled(resource)).as("%s Reconciled", answer.key()).isTrue();
                }
              }
            });
  }

  /**
   * The bench verifier's rules over everything accepted so far; Slack is awaited first (the last
   * "reconciled" of each resource may still be on its way), then a second look catches doubles.
   */
  private void assertNothingLostOrDoubled() throws Exception {
    assertNothingLostOrDoubled(0);
  }

  /** As above, judging the store's history from its {@code firstWrite}-th manifest change on. */
  private void assertNothingLostOrDoubled(int firstWrite) throws Exception {
    await()
        .atMost(FLOW)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                NothingLostOrDoubled.problems(accepted, snapshot(), slackBodies()).stream()
                    .noneMatch(p -> p.startsWith("lost: slack")));
    Thread.sleep(1000); // a doubled post would arrive right behind the first
    BenchStateStore.Snapshot store = snapshot();
    BenchStateStore.Snapshot since =
        new BenchStateStore.Snapshot(
            store.head(),
            store.writes().subList(firstWrite, store.writes().size()),
            store.emptyCommits());
    List<String> problems =
        new ArrayList<>(NothingLostOrDoubled.problems(accepted, since, slackBodies()));
    duplicateWindowOfTheKilledNotifier().ifPresent(problems::remove);
    assertThat(problems).isEmpty();
  }

  /**
   * The one Slack double the notifier allows (notifier/DESIGN.md, "The one duplicate window"): the
   * killed instance posted, Slack answered, and it died before its ledger commit, so the survivor
   * posts again. Only a post whose first copy reached Slack in the two seconds before the kill may
   * arrive twice, and only one such post.
   */
  private Optional<String> duplicateWindowOfTheKilledNotifier() {
    if (notifierKilledAt == null) {
      return Optional.empty();
    }
    Map<String, List<LoggedRequest>> byPost = new TreeMap<>();
    for (LoggedRequest r : slack.findAll(postRequestedFor(urlEqualTo("/services/e2e")))) {
      NothingLostOrDoubled.slackPost(r.getBodyAsString())
          .ifPresent(post -> byPost.computeIfAbsent(post, p -> new ArrayList<>()).add(r));
    }
    return byPost.entrySet().stream()
        .filter(e -> e.getValue().size() == 2)
        .filter(
            e -> {
              Instant first = e.getValue().get(0).getLoggedDate().toInstant();
              return !first.isAfter(notifierKilledAt)
                  && first.isAfter(notifierKilledAt.minusSeconds(2));
            })
        .map(e -> "doubled: slack " + e.getKey() + " posted 2 times")
        .findFirst();
  }

  private BenchStateStore.Snapshot snapshot() throws IOException {
    return BenchStateStore.read(repo, "main", STORE_PREFIX, "default/bench");
  }

  private List<String> slackBodies() {
    return slack.findAll(postRequestedFor(urlEqualTo("/services/e2e"))).stream()
        .map(LoggedRequest::getBodyAsString)
        .toList();
  }

  private static String path(String key) {
    return "/api/v1/resources/" + key;
  }

  private static boolean reconciled(JsonNode resource) {
    for (JsonNode condition : resource.at("/status/conditions")) {
      if ("Reconciled".equals(condition.path("type").asText())) {
        return "True".equals(condition.path("status").asText());
      }
    }
    return false;
  }
}
