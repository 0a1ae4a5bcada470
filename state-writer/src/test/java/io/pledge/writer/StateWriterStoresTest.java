package io.pledge.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.Topics;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.work.DestinationSelector;
import io.pledge.contract.work.Placement;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkCommitted;
import io.pledge.contract.work.WorkRemoved;
import io.pledge.contract.work.WorkScheduled;
import io.pledge.contract.work.WorkWithdrawn;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.pledge.testkit.s3.S3Server;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The service on a real broker with the stores beyond a plain Git remote: a bucket, relabelled
 * Destinations, and a thousand Works at once.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class StateWriterStoresTest {

  static final String DOT = "5058f1af8388633f609cadb75a75dc9d";
  static final Duration WAIT = Duration.ofSeconds(60);
  static final EventCodec CODEC = new EventCodec("/pledge/test");

  static EventProbe probe;

  @BeforeAll
  static void probe() {
    probe = new EventProbe(EmbeddedKafka.shared().bootstrapServers(), Topics.STATUS);
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

  /** A strict Destination labelled {@code pledge.test/env: <env>}. */
  static void destination(String name, String env, String storeKind, String store) {
    apply(
        "Destination",
        name,
        "apiVersion: platform.kratix.io/v1alpha1\nkind: Destination\nmetadata:\n  name: "
            + name
            + "\n  labels: {pledge.test/env: "
            + env
            + "}\nspec:\n  path: "
            + name
            + "\n  strictMatchLabels: true\n  stateStoreRef: {kind: "
            + storeKind
            + ", name: "
            + store
            + "}\n");
  }

  static Work work(String namespace, String name, String env, String content) {
    return new Work(
        namespace + "/postgresql/" + name,
        Work.RESOURCE,
        "postgresql",
        namespace,
        name,
        "instance-configure",
        1,
        List.of(
            new WorkloadGroup(
                DOT,
                ".",
                List.of(new DestinationSelector(Map.of("pledge.test/env", env), "promise")),
                List.of(Workload.of("instance.yaml", content.getBytes(StandardCharsets.UTF_8))))));
  }

  static CloudEvent upserted(Work work) {
    return CODEC.event(EventType.WORK_UPSERTED, work.key(), work);
  }

  static CloudEvent await(EventType type, String key) {
    return probe.await(type.type(), key, WAIT);
  }

  @Test
  void thousandWorksAtOnceShareAFewCommitsAndEachNamesACommitHoldingItsFile() throws Exception {
    Path repo =
        GitFixtures.bareRepository(Files.createTempDirectory("bulk").resolve("state.git"), "main");
    gitStore("bulk-store", repo);
    destination("bulk-1", "bulk", "GitStateStore", "bulk-store");
    Awaitility.await()
        .atMost(WAIT)
        .until(
            () ->
                GitFixtures.readFile(repo, "main", "bulk-1/resources/kratix-canary-configmap.yaml")
                    .isPresent());
    int commitsBefore = GitFixtures.log(repo, "main").size();
    int works = 1000;
    List<CloudEvent> events = new ArrayList<>();
    for (int i = 0; i < works; i++) {
      events.add(upserted(work("bulk", "r-" + i, "bulk", "kind: Instance\nindex: " + i + "\n")));
    }

    probe.publishAll(Topics.WORKS, events);

    Map<String, WorkCommitted> committed =
        Awaitility.await()
            .atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  Map<String, WorkCommitted> seen = new HashMap<>();
                  for (CloudEvent e : probe.events()) {
                    if (EventType.WORK_COMMITTED.type().equals(e.type())
                        && e.subject().startsWith("bulk/postgresql/")) {
                      seen.put(e.subject(), EventCodec.data(e, WorkCommitted.class));
                    }
                  }
                  return seen;
                },
                seen -> seen.size() == works);

    int commits = GitFixtures.log(repo, "main").size() - commitsBefore;
    assertThat(commits).isPositive().isLessThanOrEqualTo(works / 50);
    List<String> files =
        GitFixtures.listFiles(repo, "main").stream()
            .filter(p -> p.startsWith("bulk-1/resources/bulk/"))
            .toList();
    assertThat(files).hasSize(works).doesNotHaveDuplicates();
    for (int i = 0; i < works; i++) {
      String key = "bulk/postgresql/r-" + i;
      String path =
          "bulk-1/resources/bulk/postgresql/r-" + i + "/instance-configure/5058f/instance.yaml";
      assertThat(files).contains(path);
      Placement placement = committed.get(key).placements().get(0);
      assertThat(placement.paths()).containsExactly(path);
      assertThat(GitFixtures.readFileAt(repo, placement.version(), path))
          .as("the commit %s named for %s holds its file", placement.version(), key)
          .contains("kind: Instance\nindex: " + i + "\n");
    }
    assertThat(committed.values().stream().map(c -> c.placements().get(0).version()).distinct())
        .hasSize(commits);
  }

  @Test
  void misplacesAPlacementWhenItsDestinationIsRelabelledAndKeepsTheFiles() throws Exception {
    Path repo =
        GitFixtures.bareRepository(
            Files.createTempDirectory("relabel").resolve("state.git"), "main");
    gitStore("relabel-store", repo);
    destination("relabel-1", "relabel", "GitStateStore", "relabel-store");
    Work work = work("default", "moved", "relabel", "kind: Instance\n");
    probe.publish(Topics.WORKS, upserted(work));
    await(EventType.WORK_COMMITTED, work.key());
    String path =
        "relabel-1/resources/default/postgresql/moved/instance-configure/5058f/instance.yaml";
    assertThat(GitFixtures.readFile(repo, "main", path)).isPresent();

    destination("relabel-1", "elsewhere", "GitStateStore", "relabel-store");

    CloudEvent event =
        probe.await(
            e ->
                EventType.WORK_SCHEDULED.type().equals(e.type())
                    && work.key().equals(e.subject())
                    && EventCodec.data(e, WorkScheduled.class).placements().stream()
                        .anyMatch(Placement::misplaced),
            WAIT);
    WorkScheduled scheduled = EventCodec.data(event, WorkScheduled.class);
    assertThat(scheduled.generation()).isEqualTo(1);
    assertThat(scheduled.placements())
        .singleElement()
        .satisfies(p -> assertThat(p.destination()).isEqualTo("relabel-1"));
    assertThat(scheduled.message()).contains("pledge.test/env=relabel");
    assertThat(GitFixtures.readFile(repo, "main", path)).isPresent();
  }

  @Test
  void writesToABucketStateStoreAndRemovesWhenWithdrawn() throws Exception {
    Path secret = Files.createDirectories(Path.of("target/writer-secrets/platform/s3-creds"));
    Files.writeString(secret.resolve("accessKeyID"), "pledge");
    Files.writeString(secret.resolve("secretAccessKey"), "pledge-secret-1");
    try (S3Server server =
            S3Server.start(Files.createTempDirectory("s3"), "pledge", "pledge-secret-1")
                .createBucket("kratix");
        S3Client s3 =
            S3Client.builder()
                .endpointOverride(server.uri())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("pledge", "pledge-secret-1")))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
      apply(
          "BucketStateStore",
          "s3-store",
          "apiVersion: platform.kratix.io/v1alpha1\nkind: BucketStateStore\nmetadata:\n"
              + "  name: s3-store\nspec:\n  bucketName: kratix\n  endpoint: "
              + server.endpoint()
              + "\n  insecure: true\n  path: destinations\n"
              + "  secretRef: {name: s3-creds, namespace: platform}\n");
      destination("bucket-1", "bucket", "BucketStateStore", "s3-store");
      Work work = work("default", "in-bucket", "bucket", "kind: Instance\n");

      probe.publish(Topics.WORKS, upserted(work));

      WorkCommitted committed =
          EventCodec.data(await(EventType.WORK_COMMITTED, work.key()), WorkCommitted.class);
      String key =
          "destinations/bucket-1/resources/default/postgresql/in-bucket/instance-configure/5058f/instance.yaml";
      assertThat(committed.placements())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.stateStore()).isEqualTo("BucketStateStore/s3-store");
                assertThat(p.version()).matches("[0-9a-f]{64}");
                assertThat(p.paths()).containsExactly(key);
              });
      assertThat(object(s3, key)).contains("kind: Instance\n");
      Awaitility.await()
          .atMost(WAIT)
          .until(
              () ->
                  object(s3, "destinations/bucket-1/resources/kratix-canary-configmap.yaml")
                      .isPresent());

      probe.publish(
          Topics.WORKS,
          CODEC.event(
              EventType.WORK_WITHDRAWN,
              work.key(),
              new WorkWithdrawn(work.key(), Work.RESOURCE, "postgresql", 1, List.of())));

      WorkRemoved removed =
          EventCodec.data(await(EventType.WORK_REMOVED, work.key()), WorkRemoved.class);
      assertThat(removed.placements()).singleElement();
      assertThat(object(s3, key)).isEmpty();
    }
  }

  static Optional<String> object(S3Client s3, String key) {
    try {
      return Optional.of(s3.getObjectAsBytes(r -> r.bucket("kratix").key(key)).asUtf8String());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }
}
