package io.pledge.writer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.pledge.contract.Topics;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.destination.DestinationReadiness;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.work.DestinationSelector;
import io.pledge.contract.work.Placement;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkCommitted;
import io.pledge.contract.work.WorkFailed;
import io.pledge.contract.work.WorkRemoved;
import io.pledge.contract.work.WorkScheduled;
import io.pledge.contract.work.WorkWithdrawn;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.testkit.git.SmartHttpGitServer;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class StateWriterTest {

  static final String DOT = "5058f1af8388633f609cadb75a75dc9d";
  static final Duration WAIT = Duration.ofSeconds(60);
  static final EventCodec CODEC = new EventCodec("/pledge/test");
  static final String POSTGRES =
      "apiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata:\n  name: example\n";

  static EventProbe probe;

  @BeforeAll
  static void probe() {
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    kafka.createTopics(List.of(Topics.deadLetter(Topics.WORKS)), Set.of());
    probe =
        new EventProbe(
            kafka.bootstrapServers(),
            Topics.STATUS,
            Topics.deadLetter(Topics.WORKS),
            Topics.DESTINATIONS_STATUS);
  }

  @AfterAll
  static void closeProbe() {
    probe.close();
  }

  static void apply(String kind, String name, String yaml) {
    probe.publish(
        Topics.DESTINATIONS,
        CODEC.event(
            EventType.DESTINATION_APPLIED,
            DestinationApplied.key(kind, name),
            new DestinationApplied(kind, name, KratixDocuments.readAll(yaml).get(0))));
  }

  static Path bareRepository(String name) throws Exception {
    return GitFixtures.bareRepository(Files.createTempDirectory(name).resolve("state.git"), "main");
  }

  static void gitStore(String name, Path repo) {
    apply(
        "GitStateStore",
        name,
        "apiVersion: platform.kratix.io/v1alpha1\nkind: GitStateStore\nmetadata:\n  name: "
            + name
            + "\nspec:\n  url: "
            + repo
            + "\n  branch: main\n");
  }

  static void destination(String name, String store, String labelsAndStrict) {
    apply(
        "Destination",
        name,
        "apiVersion: platform.kratix.io/v1alpha1\nkind: Destination\nmetadata:\n  name: "
            + name
            + "\n"
            + labelsAndStrict
            + "spec:\n  path: "
            + name
            + "\n  stateStoreRef: {kind: GitStateStore, name: "
            + store
            + "}\n"
            + (labelsAndStrict.isEmpty() ? "" : "  strictMatchLabels: true\n"));
  }

  static Work work(String name, List<DestinationSelector> selectors) {
    return new Work(
        "default/postgresql/" + name,
        Work.RESOURCE,
        "postgresql",
        "default",
        name,
        "instance-configure",
        1,
        List.of(
            new WorkloadGroup(
                DOT,
                ".",
                selectors,
                List.of(
                    Workload.of(
                        "postgres-instance.yaml", POSTGRES.getBytes(StandardCharsets.UTF_8))))));
  }

  static void publish(EventType type, String key, Object data) {
    probe.publish(Topics.WORKS, CODEC.event(type, key, data));
  }

  static CloudEvent await(EventType type, String key) {
    return probe.await(type.type(), key, WAIT);
  }

  @Test
  void writesTheSeedWorkThenRemovesItWhenWithdrawn() throws Exception {
    Path repo = bareRepository("seed");
    gitStore("seed-store", repo);
    destination("worker-1", "seed-store", "");
    Awaitility.await()
        .atMost(WAIT)
        .until(
            () ->
                GitFixtures.readFile(
                        repo, "main", "worker-1/resources/kratix-canary-configmap.yaml")
                    .isPresent());
    assertThat(
            GitFixtures.readFile(
                repo, "main", "worker-1/dependencies/kratix-canary-namespace.yaml"))
        .isPresent();
    String key = "default/postgresql/example";

    publish(EventType.WORK_UPSERTED, key, work("example", List.of()));

    WorkCommitted committed =
        EventCodec.data(await(EventType.WORK_COMMITTED, key), WorkCommitted.class);
    String path =
        "worker-1/resources/default/postgresql/example/instance-configure/5058f/postgres-instance.yaml";
    assertThat(committed.generation()).isEqualTo(1);
    assertThat(committed.pipeline()).isEqualTo("instance-configure");
    assertThat(committed.placements())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.destination()).isEqualTo("worker-1");
              assertThat(p.workloadGroupId()).isEqualTo(DOT);
              assertThat(p.stateStore()).isEqualTo("GitStateStore/seed-store");
              assertThat(p.version()).isEqualTo(GitFixtures.head(repo, "main"));
              assertThat(p.paths()).containsExactly(path);
            });
    assertThat(GitFixtures.readFile(repo, "main", path)).contains(POSTGRES);
    List<String> types =
        probe.events().stream().filter(e -> key.equals(e.subject())).map(CloudEvent::type).toList();
    assertThat(types.indexOf(EventType.WORK_SCHEDULED.type()))
        .isNotNegative()
        .isLessThan(types.indexOf(EventType.WORK_COMMITTED.type()));

    publish(
        EventType.WORK_WITHDRAWN,
        key,
        new WorkWithdrawn(key, Work.RESOURCE, "postgresql", 1, List.of()));

    WorkRemoved removed = EventCodec.data(await(EventType.WORK_REMOVED, key), WorkRemoved.class);
    assertThat(removed.placements())
        .singleElement()
        .extracting(Placement::version)
        .isEqualTo(GitFixtures.head(repo, "main"));
    assertThat(GitFixtures.listFiles(repo, "main"))
        .noneMatch(p -> p.startsWith("worker-1/resources/default/postgresql/example/"))
        .contains("worker-1/resources/kratix-canary-configmap.yaml");
    assertThat(GitFixtures.log(repo, "main").get(0).getFullMessage())
        .startsWith("Delete from: default/postgresql/example/instance-configure.worker-1-5058f");
  }

  @Test
  void pendingWorkIsWrittenOnceAMatchingDestinationIsApplied() throws Exception {
    String key = "default/postgresql/late";
    List<DestinationSelector> selectors =
        List.of(new DestinationSelector(Map.of("pledge.test/env", "late"), "resource-workflow"));

    publish(EventType.WORK_UPSERTED, key, work("late", selectors));

    WorkScheduled pending =
        EventCodec.data(await(EventType.WORK_SCHEDULED, key), WorkScheduled.class);
    assertThat(pending.unscheduled()).containsExactly(DOT);
    assertThat(pending.message()).contains("pledge.test/env=late");

    Path repo = bareRepository("late");
    gitStore("late-store", repo);
    destination("late-1", "late-store", "  labels: {pledge.test/env: late}\n");

    WorkCommitted committed =
        EventCodec.data(await(EventType.WORK_COMMITTED, key), WorkCommitted.class);
    assertThat(committed.placements())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.destination()).isEqualTo("late-1");
              assertThat(p.version()).isNotBlank();
            });
    assertThat(
            GitFixtures.readFile(
                repo,
                "main",
                "late-1/resources/default/postgresql/late/instance-configure/5058f/postgres-instance.yaml"))
        .contains(POSTGRES);
  }

  @Test
  void wrongCredentialsFailTheWorkUntilTheSecretIsFixed() throws Exception {
    Path repos = Files.createTempDirectory("http");
    Path repo = GitFixtures.bareRepository(repos.resolve("state.git"), "main");
    Path secret = Files.createDirectories(Path.of("target/writer-secrets/team/http-creds"));
    Files.writeString(secret.resolve("username"), "pledge");
    Files.writeString(secret.resolve("password"), "wrong-password");
    String key = "default/postgresql/secured";
    try (SmartHttpGitServer server = SmartHttpGitServer.start(repos, "pledge", "right-password")) {
      apply(
          "GitStateStore",
          "http-store",
          "apiVersion: platform.kratix.io/v1alpha1\nkind: GitStateStore\nmetadata:\n  name: http-store\n"
              + "spec:\n  url: "
              + server.url("state.git")
              + "\n  secretRef: {name: http-creds, namespace: team}\n  authMethod: basicAuth\n");
      destination("http-1", "http-store", "  labels: {pledge.test/env: http}\n");

      publish(
          EventType.WORK_UPSERTED,
          key,
          work(
              "secured",
              List.of(new DestinationSelector(Map.of("pledge.test/env", "http"), "promise"))));

      WorkFailed failed = EventCodec.data(await(EventType.WORK_FAILED, key), WorkFailed.class);
      assertThat(failed.destination()).isEqualTo("http-1");
      assertThat(failed.reason())
          .contains(server.url("state.git"))
          .containsIgnoringCase("not authorized")
          .doesNotContain("wrong-password");
      assertThat(probe.events())
          .noneMatch(
              e -> e.type().equals(EventType.WORK_COMMITTED.type()) && key.equals(e.subject()));

      Files.writeString(secret.resolve("password"), "right-password");

      WorkCommitted committed =
          EventCodec.data(await(EventType.WORK_COMMITTED, key), WorkCommitted.class);
      assertThat(committed.placements())
          .singleElement()
          .extracting(Placement::version)
          .isEqualTo(
              GitFixtures.log(repo, "main").stream()
                  .filter(c -> c.getFullMessage().startsWith("Update from: " + key))
                  .findFirst()
                  .orElseThrow()
                  .getName());
      assertThat(
              GitFixtures.readFile(
                  repo,
                  "main",
                  "http-1/resources/default/postgresql/secured/instance-configure/5058f/postgres-instance.yaml"))
          .contains(POSTGRES);
    }
  }

  @Test
  void aStateStoreFixedWhileItsWriteIsRetriedIsUsedAtOnce() throws Exception {
    // Applied with a URL where no repository is: the write fails and is retried, with a backoff
    // that grows to 30 s. Re-applying the store with the right URL must reach that retry.
    Path repo = bareRepository("healed");
    Path nowhere = Files.createTempDirectory("nowhere").resolve("missing.git");
    String key = "default/postgresql/healed";
    gitStore("heal-store", nowhere);
    destination("heal-1", "heal-store", "  labels: {pledge.test/env: heal}\n");

    publish(
        EventType.WORK_UPSERTED,
        key,
        work(
            "healed",
            List.of(new DestinationSelector(Map.of("pledge.test/env", "heal"), "promise"))));

    WorkFailed failed = EventCodec.data(await(EventType.WORK_FAILED, key), WorkFailed.class);
    assertThat(failed.destination()).isEqualTo("heal-1");
    assertThat(failed.reason()).contains(nowhere.toString());
    // Let the backoff grow past a few doublings before the fix.
    Thread.sleep(4_000);

    gitStore("heal-store", repo);

    CloudEvent committed = probe.await(EventType.WORK_COMMITTED.type(), key, Duration.ofSeconds(5));
    String version = EventCodec.data(committed, WorkCommitted.class).placements().get(0).version();
    // A commit of the healed store's branch; not necessarily its head: the Destination's canary
    // files may be committed right after, between batches.
    assertThat(GitFixtures.log(repo, "main")).extracting(c -> c.getName()).contains(version);
  }

  @Test
  void aStoreAndItsDestinationReportWhetherTheyAreReadyAndHealWhenFixed() throws Exception {
    Path repo = bareRepository("ready");
    Path nowhere = Files.createTempDirectory("nowhere").resolve("missing.git");
    gitStore("ready-store", nowhere);
    destination("ready-1", "ready-store", "  labels: {pledge.test/env: ready}\n");

    DestinationReadiness store = readiness("GitStateStore/ready-store", false);
    assertThat(store.reason()).isEqualTo("ErrorValidatingPermissions");
    assertThat(store.message()).contains(nowhere.toString(), "no repository there");
    DestinationReadiness destination = readiness("ready-1", false);
    assertThat(destination.reason()).isEqualTo("StateStoreNotReady");
    assertThat(destination.message()).startsWith("GitStateStore/ready-store: ");

    gitStore("ready-store", repo);

    assertThat(readiness("GitStateStore/ready-store", true).reason()).isEqualTo("StateStoreReady");
    assertThat(readiness("ready-1", true).reason()).isEqualTo("TestDocumentsWritten");
    assertThat(GitFixtures.readFile(repo, "main", "ready-1/resources/kratix-canary-configmap.yaml"))
        .isPresent();
  }

  static DestinationReadiness readiness(String key, boolean ready) {
    CloudEvent event =
        probe.await(
            e ->
                EventType.DESTINATION_READINESS.type().equals(e.type())
                    && key.equals(e.subject())
                    && EventCodec.data(e, DestinationReadiness.class).ready() == ready,
            WAIT);
    return EventCodec.data(event, DestinationReadiness.class);
  }

  @Test
  void poisonRecordGoesToTheDeadLetterTopicWithItsReason() {
    probe.publish(Topics.WORKS, "poison/key/x", "this is not a CloudEvent");

    ConsumerRecord<String, String> dead =
        Awaitility.await()
            .atMost(WAIT)
            .until(
                () ->
                    probe.records().stream()
                        .filter(r -> r.topic().equals(Topics.deadLetter(Topics.WORKS)))
                        .filter(r -> "poison/key/x".equals(r.key()))
                        .findFirst()
                        .orElse(null),
                r -> r != null);
    Header reason = dead.headers().lastHeader("dead-letter-reason");
    assertThat(reason).isNotNull();
    assertThat(new String(reason.value(), StandardCharsets.UTF_8)).contains("CloudEvent");
    assertThat(dead.value()).isEqualTo("this is not a CloudEvent");
  }

  @Test
  void isReadyOnceTheTablesAreRead() {
    Awaitility.await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                given()
                    .when()
                    .get("/q/health/ready")
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("UP")));
  }

  @Test
  void itsTopicFollowingThreadsAreWatchedByLiveness() {
    Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                given()
                    .get("/q/health/live")
                    .then()
                    .statusCode(200)
                    .body("checks.find { it.name == 'vital-threads' }.status", equalTo("UP"))
                    .body(
                        "checks.find { it.name == 'vital-threads' }.data.'works-consumer'",
                        equalTo("alive"))
                    .body(
                        "checks.find { it.name == 'vital-threads' }.data.'table-pledge.destinations'",
                        equalTo("alive"))
                    .body(
                        "checks.find { it.name == 'vital-threads' }.data.'table-pledge.placements'",
                        equalTo("alive")));
  }
}
