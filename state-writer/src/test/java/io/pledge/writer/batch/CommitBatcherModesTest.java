package io.pledge.writer.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.destination.DestinationApplied;
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
import io.pledge.testkit.s3.S3Server;
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.git.GitStateStores;
import io.pledge.writer.layout.StateStoreLayout;
import io.pledge.writer.scheduling.PlacementRecord;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.stores.StateStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The commit batcher with the other filepath modes ({@code aggregatedYAML}, {@code none}), with
 * bucket state stores, and re-marking placements when a Destination's labels change.
 */
class CommitBatcherModesTest {

  static final String DOT = CommitBatcherTest.DOT;
  static final CommitBatcher.Pause NO_PAUSE = d -> {};

  @TempDir Path tmp;
  Path repo;
  DestinationTable destinations;
  PlacementTable placements;
  RecordingOutbox outbox;
  StateStores stores;
  CommitBatcher batcher;

  @BeforeEach
  void setUp() {
    repo = GitFixtures.bareRepository(tmp.resolve("state.git"), "main");
    destinations = new DestinationTable();
    placements = new PlacementTable();
    outbox = new RecordingOutbox(placements);
    stores =
        new StateStores(
            new GitStateStores(tmp.resolve("work"), tmp.resolve("secrets"), 3, Duration.ZERO),
            tmp.resolve("secrets"));
    batcher =
        new CommitBatcher(
            destinations, placements, stores, outbox, Duration.ofMillis(1), Duration.ofMillis(4));
    apply(
        "GitStateStore",
        "default",
        "apiVersion: platform.kratix.io/v1alpha1\nkind: GitStateStore\nmetadata: {name: default}\n"
            + "spec: {url: '"
            + repo.toUri()
            + "', branch: main, path: clusters}\n");
  }

  @AfterEach
  void tearDown() {
    stores.close();
  }

  void apply(String kind, String name, String yaml) {
    destinations.put(new DestinationApplied(kind, name, KratixDocuments.readAll(yaml).get(0)));
  }

  /** A strict Destination labelled {@code mode: <name>}, so only Works selecting it go there. */
  void destination(String name, String filepath, String store) {
    apply(
        "Destination",
        name,
        "apiVersion: platform.kratix.io/v1alpha1\nkind: Destination\nmetadata:\n  name: "
            + name
            + "\n  labels: {mode: "
            + name
            + "}\nspec:\n  path: "
            + name
            + "\n  strictMatchLabels: true\n  stateStoreRef: {kind: "
            + store
            + "}\n"
            + (filepath == null ? "" : "  filepath: " + filepath + "\n"));
  }

  static Work resource(String name, String destinationLabel, String... files) {
    List<Workload> workloads = new ArrayList<>();
    for (int i = 0; i < files.length; i += 2) {
      workloads.add(Workload.of(files[i], files[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    return new Work(
        "default/postgresql/" + name,
        Work.RESOURCE,
        "postgresql",
        "default",
        name,
        "configure",
        1,
        List.of(
            new WorkloadGroup(
                DOT,
                ".",
                List.of(
                    new DestinationSelector(Map.of("mode", destinationLabel), "resource-workflow")),
                workloads)));
  }

  void upsert(Work... works) throws BatchAbandonedException {
    List<Command> commands = new ArrayList<>();
    for (Work w : works) {
      commands.add(new Command.Upsert(w, null));
    }
    batcher.process(commands, NO_PAUSE);
  }

  void withdraw(String name) throws BatchAbandonedException {
    batcher.process(
        List.of(
            new Command.Withdraw(
                new WorkWithdrawn(
                    "default/postgresql/" + name, Work.RESOURCE, "postgresql", 1, List.of()),
                null)),
        NO_PAUSE);
  }

  String file(String path) {
    return GitFixtures.readFile(repo, "main", path).orElse(null);
  }

  // --- aggregatedYAML ------------------------------------------------------------------------

  @Test
  void aggregatedDestinationGetsOneFileWithEveryPlacementSortedByName() throws Exception {
    destination("agg", "{mode: aggregatedYAML}", "GitStateStore, name: default");
    int before = GitFixtures.log(repo, "main").size();

    upsert(
        resource("b", "agg", "b1.yaml", "kind: B1", "b2.yaml", "kind: B2"),
        resource("a", "agg", "a.yaml", "kind: A\n"));

    assertThat(GitFixtures.log(repo, "main")).hasSize(before + 1);
    assertThat(file("clusters/agg/aggregated.yaml"))
        .isEqualTo("kind: A\n" + "\n---\n" + "kind: B1" + "\n---\n" + "kind: B2");
    assertThat(GitFixtures.listFiles(repo, "main"))
        .containsExactlyInAnyOrder("README.md", "clusters/agg/aggregated.yaml");
    assertThat(outbox.data(EventType.WORK_COMMITTED, WorkCommitted.class))
        .hasSize(2)
        .allSatisfy(
            c ->
                assertThat(c.placements())
                    .singleElement()
                    .satisfies(
                        p -> {
                          assertThat(p.paths()).containsExactly("clusters/agg/aggregated.yaml");
                          assertThat(p.version()).isEqualTo(GitFixtures.head(repo, "main"));
                        }));
  }

  @Test
  void aggregateIsRewrittenOnUpdateAndWithdrawalAndDeletedWhenEmpty() throws Exception {
    destination(
        "agg", "{mode: aggregatedYAML, filename: all.yaml}", "GitStateStore, name: default");
    upsert(resource("a", "agg", "a.yaml", "kind: A"), resource("b", "agg", "b.yaml", "kind: B"));

    Work b2 = resource("b", "agg", "b.yaml", "kind: B2");
    upsert(
        new Work(
            b2.key(),
            b2.workType(),
            b2.promise(),
            "default",
            "b",
            "configure",
            2,
            b2.workloadGroups()));
    assertThat(file("clusters/agg/all.yaml")).isEqualTo("kind: A\n---\nkind: B2");

    withdraw("a");
    assertThat(file("clusters/agg/all.yaml")).isEqualTo("kind: B2");
    assertThat(outbox.data(EventType.WORK_REMOVED, WorkRemoved.class).get(0).placements())
        .singleElement()
        .extracting(Placement::paths)
        .isEqualTo(List.of("clusters/agg/all.yaml"));

    withdraw("b");
    assertThat(file("clusters/agg/all.yaml")).isNull();
    assertThat(placements.placementsOn("agg")).isEmpty();
  }

  @Test
  void aggregatedPlacementRecordsCarryTheirFilesAndOthersDoNot() throws Exception {
    destination("agg", "{mode: aggregatedYAML}", "GitStateStore, name: default");
    destination("nested", null, "GitStateStore, name: default");

    upsert(resource("a", "agg", "a.yaml", "A"), resource("n", "nested", "n.yaml", "N"));

    assertThat(placements.placement(resource("a", "agg").identity(), DOT))
        .get()
        .extracting(PlacementRecord::workloads)
        .asList()
        .hasSize(1);
    assertThat(placements.placement(resource("n", "nested").identity(), DOT))
        .get()
        .extracting(PlacementRecord::workloads)
        .isNull();
  }

  // --- none ----------------------------------------------------------------------------------

  @Test
  void flatDestinationGetsFilesAtItsRootAndAStateFile() throws Exception {
    destination("flat", "{mode: none}", "GitStateStore, name: default");

    upsert(resource("a", "flat", "cm.yaml", "cm", "sub/x.yaml", "x"));

    String name =
        StateStoreLayout.workPlacementName(
            "default/postgresql/a", Work.RESOURCE, "postgresql", "a", "configure", "flat", DOT);
    String stateFile = "clusters/flat/.kratix/default-" + name + ".yaml";
    assertThat(GitFixtures.listFiles(repo, "main"))
        .containsExactlyInAnyOrder(
            "README.md", "clusters/flat/cm.yaml", "clusters/flat/sub/x.yaml", stateFile);
    assertThat(file(stateFile)).isEqualTo("files:\n- flat/cm.yaml\n- flat/sub/x.yaml\n");
    assertThat(outbox.data(EventType.WORK_COMMITTED, WorkCommitted.class).get(0).placements())
        .singleElement()
        .extracting(Placement::paths)
        .isEqualTo(List.of("clusters/flat/cm.yaml", "clusters/flat/sub/x.yaml"));

    Work next = resource("a", "flat", "cm.yaml", "cm2");
    upsert(
        new Work(
            next.key(),
            next.workType(),
            next.promise(),
            "default",
            "a",
            "configure",
            2,
            next.workloadGroups()));

    assertThat(GitFixtures.listFiles(repo, "main"))
        .containsExactlyInAnyOrder("README.md", "clusters/flat/cm.yaml", stateFile);
    assertThat(file("clusters/flat/cm.yaml")).isEqualTo("cm2");

    withdraw("a");

    assertThat(GitFixtures.listFiles(repo, "main")).containsExactly("README.md");
  }

  @Test
  void flatPlacementsOfTwoResourcesKeepTheirOwnFiles() throws Exception {
    destination("flat", "{mode: none}", "GitStateStore, name: default");
    upsert(resource("a", "flat", "a.yaml", "a"), resource("b", "flat", "b.yaml", "b"));

    withdraw("a");

    assertThat(GitFixtures.listFiles(repo, "main"))
        .contains("clusters/flat/b.yaml")
        .doesNotContain("clusters/flat/a.yaml")
        .filteredOn(p -> p.contains("/.kratix/"))
        .singleElement()
        .asString()
        .contains("postgresql-b-configure-");
  }

  @Test
  void canaryFilesOfOtherModesSitInTheDestinationFolder() {
    destination("flat", "{mode: none}", "GitStateStore, name: default");

    assertThat(batcher.writeCanary("flat").outcome()).isEqualTo(Canary.Outcome.WRITTEN);

    assertThat(file("clusters/flat/kratix-canary-namespace.yaml")).contains("kratix-worker-system");
    assertThat(file("clusters/flat/kratix-canary-configmap.yaml")).contains("kratix-info");
  }

  // --- buckets -------------------------------------------------------------------------------

  @Test
  void bucketDestinationIsWrittenAndCleanedUpInTheBucket() throws Exception {
    Path secret = Files.createDirectories(tmp.resolve("secrets/platform/s3"));
    Files.writeString(secret.resolve("accessKeyID"), "ak");
    Files.writeString(secret.resolve("secretAccessKey"), "sk-123456");
    try (S3Server server =
            S3Server.start(tmp.resolve("s3"), "ak", "sk-123456").createBucket("kratix");
        S3Client s3 = client(server)) {
      apply(
          "BucketStateStore",
          "s3",
          "apiVersion: platform.kratix.io/v1alpha1\nkind: BucketStateStore\nmetadata: {name: s3}\n"
              + "spec: {bucketName: kratix, endpoint: '"
              + server.endpoint()
              + "', insecure: true, path: destinations, secretRef: {name: s3, namespace: platform}}\n");
      destination("bucket-1", null, "BucketStateStore, name: s3");

      assertThat(batcher.writeCanary("bucket-1").outcome()).isEqualTo(Canary.Outcome.WRITTEN);
      upsert(resource("a", "bucket-1", "cm.yaml", "kind: ConfigMap"));

      String key = "destinations/bucket-1/resources/default/postgresql/a/configure/5058f/cm.yaml";
      assertThat(object(s3, key)).contains("kind: ConfigMap");
      assertThat(object(s3, "destinations/bucket-1/resources/kratix-canary-configmap.yaml"))
          .isPresent();
      WorkScheduled scheduled = outbox.data(EventType.WORK_SCHEDULED, WorkScheduled.class).get(0);
      assertThat(scheduled.placements().get(0).stateStore()).isEqualTo("BucketStateStore/s3");
      Placement placement =
          outbox.data(EventType.WORK_COMMITTED, WorkCommitted.class).get(0).placements().get(0);
      assertThat(placement.stateStore()).isEqualTo("BucketStateStore/s3");
      assertThat(placement.version()).matches("[0-9a-f]{64}");
      assertThat(placement.paths()).containsExactly(key);

      withdraw("a");

      assertThat(keys(s3)).noneMatch(k -> k.contains("/postgresql/a/"));
      assertThat(outbox.data(EventType.WORK_REMOVED, WorkRemoved.class).get(0).placements())
          .singleElement()
          .satisfies(p -> assertThat(p.version()).matches("[0-9a-f]{64}"));
    }
  }

  static S3Client client(S3Server server) {
    return S3Client.builder()
        .endpointOverride(server.uri())
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("ak", "sk-123456")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  static Optional<String> object(S3Client s3, String key) {
    try {
      return Optional.of(s3.getObjectAsBytes(r -> r.bucket("kratix").key(key)).asUtf8String());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  static List<String> keys(S3Client s3) {
    return s3.listObjectsV2Paginator(r -> r.bucket("kratix")).contents().stream()
        .map(S3Object::key)
        .toList();
  }

  // --- misplaced -----------------------------------------------------------------------------

  @Test
  void placementIsMarkedMisplacedWhenTheDestinationsLabelsChangeAndFilesStay() throws Exception {
    destination("dev", null, "GitStateStore, name: default");
    upsert(resource("a", "dev", "a.yaml", "a"));
    int commits = GitFixtures.log(repo, "main").size();
    outbox.events.clear();

    // Relabelled: {mode: dev} becomes {mode: other}.
    apply(
        "Destination",
        "dev",
        "apiVersion: platform.kratix.io/v1alpha1\nkind: Destination\nmetadata:\n  name: dev\n"
            + "  labels: {mode: other}\nspec:\n  path: dev\n  strictMatchLabels: true\n"
            + "  stateStoreRef: {kind: GitStateStore, name: default}\n");

    assertThat(batcher.remarkPlacements("dev", key -> true)).isEqualTo(1);

    WorkScheduled scheduled = outbox.data(EventType.WORK_SCHEDULED, WorkScheduled.class).get(0);
    assertThat(scheduled.key()).isEqualTo("default/postgresql/a");
    assertThat(scheduled.generation()).isEqualTo(1);
    assertThat(scheduled.placements())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.destination()).isEqualTo("dev");
              assertThat(p.misplaced()).isTrue();
            });
    assertThat(scheduled.message()).contains("misplaced").contains("mode=dev");
    assertThat(file("clusters/dev/resources/default/postgresql/a/configure/5058f/a.yaml"))
        .isEqualTo("a");
    assertThat(GitFixtures.log(repo, "main")).hasSize(commits);
    assertThat(placements.placement(resource("a", "dev").identity(), DOT).orElseThrow().misplaced())
        .containsExactly("dev");

    // Nothing changed since: nothing to say.
    assertThat(batcher.remarkPlacements("dev", key -> true)).isZero();

    // An update keeps the sticky placement, still misplaced.
    outbox.events.clear();
    Work next = resource("a", "dev", "a.yaml", "a2");
    upsert(
        new Work(
            next.key(),
            next.workType(),
            next.promise(),
            "default",
            "a",
            "configure",
            2,
            next.workloadGroups()));
    assertThat(outbox.data(EventType.WORK_COMMITTED, WorkCommitted.class).get(0).placements())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.destination()).isEqualTo("dev");
              assertThat(p.misplaced()).isTrue();
            });

    // Labels back: no longer misplaced.
    destination("dev", null, "GitStateStore, name: default");
    outbox.events.clear();
    assertThat(batcher.remarkPlacements("dev", key -> true)).isEqualTo(1);
    assertThat(outbox.data(EventType.WORK_SCHEDULED, WorkScheduled.class).get(0))
        .satisfies(
            s -> {
              assertThat(s.generation()).isEqualTo(2);
              assertThat(s.placements())
                  .singleElement()
                  .extracting(Placement::misplaced)
                  .isEqualTo(false);
              assertThat(s.message()).isNull();
            });
  }

  @Test
  void remarkingLeavesWorksOfOtherInstancesAlone() throws Exception {
    destination("dev", null, "GitStateStore, name: default");
    upsert(resource("a", "dev", "a.yaml", "a"));
    apply(
        "Destination",
        "dev",
        "apiVersion: platform.kratix.io/v1alpha1\nkind: Destination\nmetadata:\n  name: dev\n"
            + "  labels: {mode: other}\nspec:\n  path: dev\n  stateStoreRef: {kind: GitStateStore, name: default}\n");
    outbox.events.clear();

    assertThat(batcher.remarkPlacements("dev", key -> false)).isZero();
    assertThat(outbox.events).isEmpty();
  }

  @Test
  void oneCommitCarriesWorksForEveryMode() throws Exception {
    destination("agg", "{mode: aggregatedYAML}", "GitStateStore, name: default");
    destination("flat", "{mode: none}", "GitStateStore, name: default");
    destination("nested", null, "GitStateStore, name: default");
    int before = GitFixtures.log(repo, "main").size();

    upsert(
        resource("a", "agg", "a.yaml", "A"),
        resource("f", "flat", "f.yaml", "F"),
        resource("n", "nested", "n.yaml", "N"));

    List<RevCommit> log = GitFixtures.log(repo, "main");
    assertThat(log).hasSize(before + 1);
    assertThat(log.get(0).getFullMessage()).startsWith("Update from: 3 placements");
    assertThat(file("clusters/agg/aggregated.yaml")).isEqualTo("A");
    assertThat(file("clusters/flat/f.yaml")).isEqualTo("F");
    assertThat(file("clusters/nested/resources/default/postgresql/n/configure/5058f/n.yaml"))
        .isEqualTo("N");
  }
}
