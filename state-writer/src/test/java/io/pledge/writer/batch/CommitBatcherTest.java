package io.pledge.writer.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.contract.destination.DestinationApplied;
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
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.git.GitStateStores;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.scheduling.RememberedWork;
import io.pledge.writer.stores.StateStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitBatcherTest {

  static final String DOT = "5058f1af8388633f609cadb75a75dc9d";
  static final String DEST1 = "ba6cb2ebc6ef8a5bcec1e0b3b0df7cf8";
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
    gitStore("default", repo.toUri().toString());
    destination("worker-1", "worker-1", Map.of(), false);
  }

  @AfterEach
  void tearDown() {
    stores.close();
  }

  void gitStore(String name, String url) {
    apply(
        "GitStateStore",
        name,
        "apiVersion: platform.kratix.io/v1alpha1\nkind: GitStateStore\nmetadata: {name: "
            + name
            + "}\nspec: {url: '"
            + url
            + "', branch: main}\n");
  }

  void destination(String name, String path, Map<String, String> labels, boolean strict) {
    StringBuilder yaml =
        new StringBuilder(
            "apiVersion: platform.kratix.io/v1alpha1\nkind: Destination\nmetadata:\n  name: "
                + name
                + "\n  labels: {");
    labels.forEach((k, v) -> yaml.append(k).append(": ").append(v).append(", "));
    yaml.append("}\nspec:\n  path: '")
        .append(path)
        .append("'\n  strictMatchLabels: ")
        .append(strict)
        .append("\n  stateStoreRef: {kind: GitStateStore, name: default}\n");
    apply("Destination", name, yaml.toString());
  }

  void apply(String kind, String name, String yaml) {
    destinations.put(new DestinationApplied(kind, name, KratixDocuments.readAll(yaml).get(0)));
  }

  static Work resource(String name, String pipeline, long generation, WorkloadGroup... groups) {
    return new Work(
        "default/postgresql/" + name,
        Work.RESOURCE,
        "postgresql",
        "default",
        name,
        pipeline,
        generation,
        List.of(groups));
  }

  static WorkloadGroup group(String id, List<DestinationSelector> selectors, String... files) {
    List<Workload> workloads = new ArrayList<>();
    for (int i = 0; i < files.length; i += 2) {
      workloads.add(Workload.of(files[i], files[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    return new WorkloadGroup(id, ".", selectors, workloads);
  }

  static WorkloadGroup dot(String... files) {
    return group(DOT, List.of(), files);
  }

  void upsert(Work... works) throws BatchAbandonedException {
    List<Command> commands = new ArrayList<>();
    for (Work w : works) {
      commands.add(new Command.Upsert(w, null));
    }
    batcher.process(commands, NO_PAUSE);
  }

  void withdraw(String key, String type, List<String> pipelines) throws BatchAbandonedException {
    batcher.process(
        List.of(
            new Command.Withdraw(new WorkWithdrawn(key, type, "postgresql", 2, pipelines), null)),
        NO_PAUSE);
  }

  String file(String path) {
    return GitFixtures.readFile(repo, "main", path).orElse(null);
  }

  @Test
  void commitsManyWorksInOneCommit() throws Exception {
    int before = GitFixtures.log(repo, "main").size();

    upsert(
        resource("a", "configure", 1, dot("a.yaml", "a")),
        resource("b", "configure", 1, dot("b.yaml", "b")),
        resource("c", "configure", 1, dot("c.yaml", "c")));

    List<RevCommit> log = GitFixtures.log(repo, "main");
    assertThat(log).hasSize(before + 1);
    String head = log.get(0).getName();
    assertThat(log.get(0).getFullMessage())
        .startsWith("Update from: 3 placements\n\n")
        .contains("Update from: default/postgresql/a/configure.worker-1-5058f")
        .contains("Update from: default/postgresql/c/configure.worker-1-5058f");
    List<WorkCommitted> committed = outbox.data(EventType.WORK_COMMITTED, WorkCommitted.class);
    assertThat(committed).hasSize(3);
    assertThat(committed)
        .allSatisfy(
            c ->
                assertThat(c.placements())
                    .singleElement()
                    .extracting(Placement::version)
                    .isEqualTo(head));
    assertThat(committed.get(0).placements().get(0).paths())
        .containsExactly("worker-1/resources/default/postgresql/a/configure/5058f/a.yaml");
    assertThat(file("worker-1/resources/default/postgresql/b/configure/5058f/b.yaml"))
        .isEqualTo("b");
  }

  @Test
  void publishesScheduledBeforeCommitted() throws Exception {
    upsert(resource("a", "configure", 1, dot("a.yaml", "a")));

    assertThat(outbox.types()).containsExactly(EventType.WORK_SCHEDULED, EventType.WORK_COMMITTED);
    WorkScheduled scheduled = outbox.data(EventType.WORK_SCHEDULED, WorkScheduled.class).get(0);
    assertThat(scheduled.placements())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.destination()).isEqualTo("worker-1");
              assertThat(p.stateStore()).isEqualTo("GitStateStore/default");
            });
    assertThat(scheduled.unscheduled()).isEmpty();
  }

  @Test
  void singlePlacementUsesKratixCommitMessage() throws Exception {
    upsert(resource("a", "configure", 1, dot("a.yaml", "a")));

    assertThat(GitFixtures.log(repo, "main").get(0).getFullMessage().trim())
        .isEqualTo("Update from: default/postgresql/a/configure.worker-1-5058f");
  }

  @Test
  void reprocessingAWorkMakesNoNewCommitButReportsTheSha() throws Exception {
    Work work = resource("a", "configure", 1, dot("a.yaml", "a"));
    upsert(work);
    int commits = GitFixtures.log(repo, "main").size();

    upsert(work);

    assertThat(GitFixtures.log(repo, "main")).hasSize(commits);
    List<WorkCommitted> committed = outbox.data(EventType.WORK_COMMITTED, WorkCommitted.class);
    assertThat(committed.get(1).placements().get(0).version())
        .isEqualTo(GitFixtures.head(repo, "main"));
  }

  @Test
  void newGenerationReplacesTheFilesOfTheGroup() throws Exception {
    upsert(resource("a", "configure", 1, dot("one.yaml", "1", "two.yaml", "2")));

    upsert(resource("a", "configure", 2, dot("one.yaml", "1b")));

    String folder = "worker-1/resources/default/postgresql/a/configure/5058f/";
    assertThat(file(folder + "one.yaml")).isEqualTo("1b");
    assertThat(file(folder + "two.yaml")).isNull();
  }

  @Test
  void twoVersionsOfOneWorkInOneBatchLandInTwoCommits() throws Exception {
    int before = GitFixtures.log(repo, "main").size();

    upsert(
        resource("a", "configure", 1, dot("a.yaml", "v1")),
        resource("a", "configure", 2, dot("a.yaml", "v2")));

    List<RevCommit> log = GitFixtures.log(repo, "main");
    assertThat(log).hasSize(before + 2);
    List<WorkCommitted> committed = outbox.data(EventType.WORK_COMMITTED, WorkCommitted.class);
    assertThat(committed.get(0).placements().get(0).version()).isEqualTo(log.get(1).getName());
    assertThat(committed.get(1).placements().get(0).version()).isEqualTo(log.get(0).getName());
    assertThat(file("worker-1/resources/default/postgresql/a/configure/5058f/a.yaml"))
        .isEqualTo("v2");
  }

  @Test
  void aRedoAfterANewerGenerationWasPlacedNeverRollsTheBranchBack() throws Exception {
    Work first = resource("a", "configure", 1, dot("a.yaml", "v1"));
    Work second = resource("a", "configure", 2, dot("a.yaml", "v2"));
    upsert(first, second);
    int commits = GitFixtures.log(repo, "main").size();

    // The instance that wrote both was killed before committing the offsets: the new owner of the
    // partition gets both records again.
    upsert(first, second);

    assertThat(GitFixtures.log(repo, "main")).hasSize(commits);
    assertThat(file("worker-1/resources/default/postgresql/a/configure/5058f/a.yaml"))
        .isEqualTo("v2");
    List<WorkCommitted> committed = outbox.data(EventType.WORK_COMMITTED, WorkCommitted.class);
    assertThat(committed).extracting(WorkCommitted::generation).containsExactly(1L, 2L, 2L);
  }

  @Test
  void groupThePipelineNoLongerEmitsLeavesTheDestination() throws Exception {
    WorkloadGroup dest1 =
        new WorkloadGroup(
            DEST1, "dest1", List.of(), List.of(Workload.of("dest1/x.yaml", "x".getBytes())));
    upsert(resource("a", "configure", 1, dot("a.yaml", "a"), dest1));
    assertThat(file("worker-1/resources/default/postgresql/a/configure/ba6cb/dest1/x.yaml"))
        .isEqualTo("x");

    upsert(resource("a", "configure", 2, dot("a.yaml", "a")));

    assertThat(GitFixtures.listFiles(repo, "main"))
        .noneMatch(p -> p.contains("/ba6cb/"))
        .contains("worker-1/resources/default/postgresql/a/configure/5058f/a.yaml");
    assertThat(placements.destinationsOf(resource("a", "configure", 2).identity()))
        .containsOnlyKeys(DOT);
  }

  /** Compound Promises: a group on the platform Destination is also a set of requests. */
  static WorkloadGroup platformGroup(String... files) {
    List<Workload> workloads = new ArrayList<>();
    for (int i = 0; i < files.length; i += 2) {
      workloads.add(Workload.of(files[i], files[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    return new WorkloadGroup(
        DEST1,
        "platform",
        List.of(new DestinationSelector(Map.of("environment", "platform"), "resource-workflow")),
        workloads);
  }

  void platformDestination() {
    destination(
        "platform",
        "platform",
        Map.of("environment", "platform", "pledge.io/platform", "'true'"),
        true);
  }

  @Test
  void aGroupOnThePlatformDestinationIsCommittedAndHandedOverAsRequests() throws Exception {
    platformDestination();
    WorkloadGroup requests = platformGroup("platform/db.yaml", "kind: postgresql\n");

    upsert(resource("a", "configure", 3, dot("a.yaml", "a"), requests));

    assertThat(file("platform/resources/default/postgresql/a/configure/ba6cb/platform/db.yaml"))
        .isEqualTo("kind: postgresql\n");
    assertThat(outbox.components)
        .singleElement()
        .satisfies(
            set -> {
              assertThat(set.parentKey()).isEqualTo("default/postgresql/a");
              assertThat(set.parentNamespace()).isEqualTo("default");
              assertThat(set.parentName()).isEqualTo("a");
              assertThat(set.pipeline()).isEqualTo("configure");
              assertThat(set.generation()).isEqualTo(3);
              assertThat(set.destination()).isEqualTo("platform");
              assertThat(set.workloadGroupId()).isEqualTo(DEST1);
              assertThat(set.workloads()).isEqualTo(requests.workloads());
            });
  }

  @Test
  void aPlatformDestinationCanTakeRequestsWithoutCommittingThem() throws Exception {
    batcher.platformCommits(false);
    platformDestination();
    WorkloadGroup requests = platformGroup("platform/db.yaml", "kind: postgresql\n");

    upsert(resource("a", "configure", 1, dot("a.yaml", "a"), requests));

    assertThat(GitFixtures.listFiles(repo, "main")).noneMatch(f -> f.startsWith("platform/"));
    assertThat(outbox.components)
        .singleElement()
        .satisfies(set -> assertThat(set.workloads()).isEqualTo(requests.workloads()));
    WorkCommitted committed = outbox.data(EventType.WORK_COMMITTED, WorkCommitted.class).get(0);
    assertThat(committed.placements())
        .filteredOn(p -> p.destination().equals("platform"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.stateStore()).isNull();
              assertThat(p.version()).isNull();
            });

    outbox.components.clear();
    withdraw("default/postgresql/a", Work.RESOURCE, List.of());

    assertThat(outbox.components)
        .singleElement()
        .satisfies(s -> assertThat(s.withdrawn()).isTrue());
    assertThat(outbox.data(EventType.WORK_REMOVED, WorkRemoved.class)).hasSize(1);
  }

  @Test
  void aDestinationWithoutThePlatformLabelGetsFilesOnly() throws Exception {
    destination("platform", "platform", Map.of("environment", "platform"), true);

    upsert(resource("a", "configure", 1, platformGroup("platform/db.yaml", "kind: x\n")));

    assertThat(file("platform/resources/default/postgresql/a/configure/ba6cb/platform/db.yaml"))
        .isEqualTo("kind: x\n");
    assertThat(outbox.components).isEmpty();
  }

  @Test
  void requestsLeaveThePlatformWithTheirWorkOrGroup() throws Exception {
    platformDestination();
    upsert(resource("a", "configure", 1, platformGroup("platform/db.yaml", "kind: x\n")));
    upsert(resource("b", "configure", 1, platformGroup("platform/db.yaml", "kind: x\n")));
    outbox.components.clear();

    // a's pipeline no longer writes the group; b is deleted.
    upsert(resource("a", "configure", 2, dot("a.yaml", "a")));
    withdraw("default/postgresql/b", Work.RESOURCE, List.of());

    assertThat(outbox.components)
        .extracting(s -> s.parentKey() + " " + s.generation() + " " + s.withdrawn())
        .containsExactly("default/postgresql/a 2 true", "default/postgresql/b 2 true");
    assertThat(outbox.components)
        .allSatisfy(s -> assertThat(s.identity()).endsWith("#configure#" + DEST1));
  }

  @Test
  void workWithoutOutputIsCommittedWithNoPlacements() throws Exception {
    int before = GitFixtures.log(repo, "main").size();

    upsert(resource("a", "configure", 1));

    assertThat(GitFixtures.log(repo, "main")).hasSize(before);
    assertThat(outbox.data(EventType.WORK_COMMITTED, WorkCommitted.class))
        .singleElement()
        .satisfies(c -> assertThat(c.placements()).isEmpty());
  }

  @Test
  void waitsForAMatchingDestinationThenWritesWhenOneAppears() throws Exception {
    Work work =
        resource(
            "late",
            "configure",
            1,
            group(
                DOT,
                List.of(new DestinationSelector(Map.of("env", "prod"), "resource-workflow")),
                "a.yaml",
                "a"));

    upsert(work);

    WorkScheduled pending = outbox.data(EventType.WORK_SCHEDULED, WorkScheduled.class).get(0);
    assertThat(pending.unscheduled()).containsExactly(DOT);
    assertThat(pending.message()).contains("env=prod");
    assertThat(outbox.types()).doesNotContain(EventType.WORK_COMMITTED);
    RememberedWork remembered = placements.remembered(work.identity()).orElseThrow();
    assertThat(remembered.state()).isEqualTo(RememberedWork.PENDING);
    assertThat(batcher.needsReevaluation(remembered)).isFalse();

    destination("prod-1", "prod-1", Map.of("env", "prod"), true);
    assertThat(batcher.needsReevaluation(remembered)).isTrue();
    upsert(remembered.work());

    assertThat(outbox.data(EventType.WORK_COMMITTED, WorkCommitted.class))
        .singleElement()
        .satisfies(c -> assertThat(c.placements().get(0).destination()).isEqualTo("prod-1"));
    assertThat(file("prod-1/resources/default/postgresql/late/configure/5058f/a.yaml"))
        .isEqualTo("a");
    assertThat(placements.remembered(work.identity())).isEmpty();
  }

  @Test
  void placementSticksWhenAnotherDestinationAppears() throws Exception {
    upsert(resource("a", "configure", 1, dot("a.yaml", "a")));
    for (int i = 0; i < 5; i++) {
      destination("other-" + i, "other-" + i, Map.of(), false);
    }

    upsert(resource("a", "configure", 2, dot("a.yaml", "a2")));

    assertThat(outbox.data(EventType.WORK_COMMITTED, WorkCommitted.class).get(1).placements())
        .singleElement()
        .extracting(Placement::destination)
        .isEqualTo("worker-1");
  }

  @Test
  void promiseWorkReachesADestinationAppliedLater() throws Exception {
    Work deps =
        new Work(
            "postgresql",
            Work.STATIC_DEPENDENCY,
            "postgresql",
            null,
            null,
            null,
            1,
            List.of(dot("static/postgresql-dependencies.yaml", "kind: Namespace")));
    upsert(deps);
    RememberedWork remembered = placements.remembered(deps.identity()).orElseThrow();
    assertThat(remembered.state()).isEqualTo(RememberedWork.COMMITTED);
    assertThat(batcher.needsReevaluation(remembered)).isFalse();

    destination("worker-2", "worker-2", Map.of(), false);
    assertThat(batcher.needsReevaluation(remembered)).isTrue();
    upsert(remembered.work());

    assertThat(file("worker-1/dependencies/postgresql/5058f/static/postgresql-dependencies.yaml"))
        .isEqualTo("kind: Namespace");
    assertThat(file("worker-2/dependencies/postgresql/5058f/static/postgresql-dependencies.yaml"))
        .isEqualTo("kind: Namespace");
  }

  @Test
  void withdrawalRemovesTheResourceFolderAndReportsTheRemovalCommit() throws Exception {
    upsert(
        resource("a", "configure", 1, dot("a.yaml", "a")),
        resource("a", "second", 1, dot("s.yaml", "s")),
        resource("b", "configure", 1, dot("b.yaml", "b")));

    withdraw("default/postgresql/a", Work.RESOURCE, List.of());

    assertThat(GitFixtures.listFiles(repo, "main"))
        .noneMatch(p -> p.startsWith("worker-1/resources/default/postgresql/a/"))
        .contains("worker-1/resources/default/postgresql/b/configure/5058f/b.yaml");
    RevCommit head = GitFixtures.log(repo, "main").get(0);
    assertThat(head.getFullMessage()).startsWith("Delete from: 2 placements");
    WorkRemoved removed = outbox.data(EventType.WORK_REMOVED, WorkRemoved.class).get(0);
    assertThat(removed.placements())
        .hasSize(2)
        .allSatisfy(p -> assertThat(p.version()).isEqualTo(head.getName()));
    assertThat(placements.placementsOfKey("default/postgresql/a")).isEmpty();
  }

  @Test
  void withdrawingOnePipelineKeepsTheOthers() throws Exception {
    upsert(
        resource("a", "configure", 1, dot("a.yaml", "a")),
        resource("a", "second", 1, dot("s.yaml", "s")));

    withdraw("default/postgresql/a", Work.RESOURCE, List.of("second"));

    assertThat(file("worker-1/resources/default/postgresql/a/configure/5058f/a.yaml"))
        .isEqualTo("a");
    assertThat(file("worker-1/resources/default/postgresql/a/second/5058f/s.yaml")).isNull();
  }

  @Test
  void promiseAndStaticDependencyWorksAreWithdrawnEachByItsOwnType() throws Exception {
    upsert(
        new Work(
            "postgresql",
            Work.STATIC_DEPENDENCY,
            "postgresql",
            null,
            null,
            null,
            1,
            List.of(dot("static/postgresql-dependencies.yaml", "deps"))),
        new Work(
            "postgresql",
            Work.PROMISE,
            "postgresql",
            null,
            null,
            "promise-configure",
            1,
            List.of(dot("operator.yaml", "op"))));
    String deps = "worker-1/dependencies/postgresql/5058f/static/postgresql-dependencies.yaml";
    String operator = "worker-1/dependencies/postgresql/promise-configure/5058f/operator.yaml";
    assertThat(file(operator)).isEqualTo("op");

    batcher.process(
        List.of(
            new Command.Withdraw(
                new WorkWithdrawn("postgresql", Work.PROMISE, "postgresql", 2, List.of()), null)),
        NO_PAUSE);

    assertThat(file(operator)).isNull();
    assertThat(file(deps)).isEqualTo("deps");

    batcher.process(
        List.of(
            new Command.Withdraw(
                new WorkWithdrawn("postgresql", Work.STATIC_DEPENDENCY, "postgresql", 2, List.of()),
                null)),
        NO_PAUSE);

    assertThat(GitFixtures.listFiles(repo, "main")).noneMatch(p -> p.contains("/dependencies/"));
    assertThat(placements.rememberedWorks()).isEmpty();
  }

  @Test
  void withdrawingSomethingNeverWrittenReportsNoPlacements() throws Exception {
    int before = GitFixtures.log(repo, "main").size();

    withdraw("default/postgresql/never", Work.RESOURCE, List.of());

    assertThat(GitFixtures.log(repo, "main")).hasSize(before);
    assertThat(outbox.data(EventType.WORK_REMOVED, WorkRemoved.class))
        .singleElement()
        .satisfies(r -> assertThat(r.placements()).isEmpty());
  }

  @Test
  void upsertThenWithdrawInOneBatchLeavesNothing() throws Exception {
    batcher.process(
        List.of(
            new Command.Upsert(resource("a", "configure", 1, dot("a.yaml", "a")), null),
            new Command.Withdraw(
                new WorkWithdrawn(
                    "default/postgresql/a", Work.RESOURCE, "postgresql", 1, List.of()),
                null)),
        NO_PAUSE);

    assertThat(GitFixtures.listFiles(repo, "main")).containsExactly("README.md");
    assertThat(outbox.types())
        .containsExactly(
            EventType.WORK_SCHEDULED, EventType.WORK_COMMITTED, EventType.WORK_REMOVED);
  }

  @Test
  void rejectsAWorkWhosePathEscapesAndSendsItToTheDeadLetters() throws Exception {
    int before = GitFixtures.log(repo, "main").size();
    Work evil = resource("evil", "configure", 1, dot("../../../../escape.yaml", "x"));
    ConsumerRecord<String, String> record =
        new ConsumerRecord<>("pledge.works", 0, 7L, evil.key(), "{}");

    batcher.process(List.of(new Command.Upsert(evil, record)), NO_PAUSE);

    assertThat(GitFixtures.log(repo, "main")).hasSize(before);
    assertThat(outbox.data(EventType.WORK_FAILED, WorkFailed.class))
        .singleElement()
        .satisfies(f -> assertThat(f.reason()).contains("escapes"));
    assertThat(outbox.deadLetters).singleElement().asString().contains("escapes");
  }

  @Test
  void rejectsAWorkWhosePathEscapesEvenWhenNoDestinationTakesIt() throws Exception {
    Work evil =
        resource(
            "evil",
            "configure",
            1,
            group(
                DOT,
                List.of(new DestinationSelector(Map.of("env", "nowhere"), "resource-workflow")),
                "..\\..\\escaped.yaml",
                "x"));
    ConsumerRecord<String, String> record =
        new ConsumerRecord<>("pledge.works", 0, 8L, evil.key(), "{}");

    batcher.process(List.of(new Command.Upsert(evil, record)), NO_PAUSE);

    assertThat(outbox.data(EventType.WORK_FAILED, WorkFailed.class))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.pipeline()).isEqualTo("configure");
              assertThat(f.reason()).contains("escapes", "..\\..\\escaped.yaml");
            });
    assertThat(outbox.types()).doesNotContain(EventType.WORK_SCHEDULED);
    assertThat(outbox.deadLetters).singleElement().asString().contains("escapes");
  }

  @Test
  void rejectsWorksWithNullPartsInsteadOfFailingTheBatch() throws Exception {
    WorkloadGroup nullWorkload =
        new WorkloadGroup(DOT, ".", List.of(), java.util.Arrays.asList((Workload) null));
    WorkloadGroup nullSelector =
        new WorkloadGroup(DOT, ".", java.util.Arrays.asList((DestinationSelector) null), List.of());

    upsert(
        resource("n1", "configure", 1, nullWorkload),
        resource("n2", "configure", 1, nullSelector),
        resource("ok", "configure", 1, dot("ok.yaml", "ok")));

    assertThat(outbox.data(EventType.WORK_FAILED, WorkFailed.class))
        .extracting(WorkFailed::reason)
        .containsExactly(
            "workload group " + DOT + " holds a null workload",
            "workload group " + DOT + " holds a null destination selector");
    assertThat(file("worker-1/resources/default/postgresql/ok/configure/5058f/ok.yaml"))
        .isEqualTo("ok");
  }

  @Test
  void missingStateStoreFailsTheWorkUntilTheStoreIsApplied() throws Exception {
    apply(
        "Destination",
        "orphan",
        "apiVersion: platform.kratix.io/v1alpha1\nkind: Destination\nmetadata: {name: orphan, labels: {team: x}}\n"
            + "spec: {path: orphan, strictMatchLabels: true, stateStoreRef: {kind: GitStateStore, name: later}}\n");
    Work work =
        resource(
            "o",
            "configure",
            1,
            group(
                DOT,
                List.of(new DestinationSelector(Map.of("team", "x"), "promise")),
                "o.yaml",
                "o"));

    upsert(work);

    assertThat(outbox.data(EventType.WORK_FAILED, WorkFailed.class))
        .singleElement()
        .satisfies(f -> assertThat(f.reason()).contains("GitStateStore/later not found"));
    RememberedWork remembered = placements.remembered(work.identity()).orElseThrow();
    assertThat(remembered.state()).isEqualTo(RememberedWork.FAILED);
    assertThat(batcher.needsReevaluation(remembered)).isTrue();

    gitStore("later", repo.toString());
    upsert(remembered.work());

    assertThat(file("orphan/resources/default/postgresql/o/configure/5058f/o.yaml")).isEqualTo("o");
    assertThat(outbox.types()).endsWith(EventType.WORK_COMMITTED);
  }

  @Test
  void retriesAnUnreachableStoreUntilItIsBack() throws Exception {
    Path later = tmp.resolve("later.git");
    gitStore("default", later.toUri().toString());
    AtomicInteger pauses = new AtomicInteger();
    CommitBatcher.Pause bringBack =
        d -> {
          if (pauses.incrementAndGet() == 3) {
            GitFixtures.bareRepository(later, "main");
          }
        };

    batcher.process(
        List.of(new Command.Upsert(resource("a", "configure", 1, dot("a.yaml", "a")), null)),
        bringBack);

    assertThat(pauses).hasValue(3);
    assertThat(outbox.data(EventType.WORK_FAILED, WorkFailed.class))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.destination()).isEqualTo("worker-1");
              assertThat(f.reason()).contains("cannot reach");
            });
    assertThat(outbox.data(EventType.WORK_COMMITTED, WorkCommitted.class))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.placements().get(0).version())
                    .isEqualTo(GitFixtures.head(later, "main")));
  }

  @Test
  void aBranchOtherWritersKeepMovingIsWrittenAgainWithoutFailingTheWork() throws Exception {
    // The store's update hook moves the branch under each of the first three pushes (every push
    // attempt of one write), as other writers committing at that moment would.
    Path hook = repo.resolve("hooks").resolve("update");
    Files.createDirectories(hook.getParent());
    Files.writeString(
        hook,
        """
        #!/bin/sh
        n=$(cat raced 2>/dev/null || echo 0)
        [ "$n" -ge 3 ] && exit 0
        echo $((n + 1)) > raced
        head=$(git rev-parse refs/heads/main)
        moved=$(GIT_AUTHOR_NAME=other GIT_AUTHOR_EMAIL=o@x GIT_COMMITTER_NAME=other \\
          GIT_COMMITTER_EMAIL=o@x git commit-tree "$head^{tree}" -p "$head" -m "other writer $n")
        git update-ref refs/heads/main "$moved" "$head"
        """);
    hook.toFile().setExecutable(true);
    List<Duration> pauses = new ArrayList<>();

    batcher.process(
        List.of(new Command.Upsert(resource("a", "configure", 1, dot("a.yaml", "a")), null)),
        pauses::add);

    assertThat(pauses).hasSize(1);
    assertThat(outbox.types()).doesNotContain(EventType.WORK_FAILED);
    assertThat(outbox.data(EventType.WORK_COMMITTED, WorkCommitted.class))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.placements().get(0).version())
                    .isEqualTo(GitFixtures.head(repo, "main")));
    assertThat(GitFixtures.log(repo, "main"))
        .extracting(RevCommit::getShortMessage)
        .contains("other writer 0", "other writer 1", "other writer 2");
  }

  @Test
  void stopsRetryingWhenTheBatchIsAbandoned() {
    gitStore("default", tmp.resolve("never.git").toString());

    assertThatThrownBy(
            () ->
                batcher.process(
                    List.of(
                        new Command.Upsert(
                            resource("a", "configure", 1, dot("a.yaml", "a")), null)),
                    d -> {
                      throw new BatchAbandonedException("shutting down");
                    }))
        .isInstanceOf(BatchAbandonedException.class);
    assertThat(outbox.types()).doesNotContain(EventType.WORK_COMMITTED);
  }

  @Test
  void writesCanaryFilesOnce() throws Exception {
    assertThat(batcher.writeCanary("worker-1").outcome()).isEqualTo(Canary.Outcome.WRITTEN);
    int commits = GitFixtures.log(repo, "main").size();
    assertThat(batcher.writeCanary("worker-1").outcome()).isEqualTo(Canary.Outcome.WRITTEN);

    assertThat(GitFixtures.log(repo, "main")).hasSize(commits);
    assertThat(GitFixtures.log(repo, "main").get(0).getFullMessage().trim())
        .isEqualTo("Update from: kratix-canary");
    assertThat(file("worker-1/dependencies/kratix-canary-namespace.yaml"))
        .contains("kratix-worker-system");
    assertThat(file("worker-1/resources/kratix-canary-configmap.yaml")).contains("kratix-info");
  }

  @Test
  void canaryWaitsForTheStateStore() {
    apply(
        "Destination",
        "early",
        "apiVersion: platform.kratix.io/v1alpha1\nkind: Destination\nmetadata: {name: early}\n"
            + "spec: {path: early, stateStoreRef: {kind: GitStateStore, name: notyet}}\n");

    assertThat(batcher.writeCanary("early").settled()).isFalse();
  }

  @Test
  void splitsBatchesWhereAWorkOrKeyRepeats() {
    Command a1 = new Command.Upsert(resource("a", "configure", 1), null);
    Command a2other = new Command.Upsert(resource("a", "second", 1), null);
    Command b = new Command.Upsert(resource("b", "configure", 1), null);
    Command a1again = new Command.Upsert(resource("a", "configure", 2), null);
    Command withdrawB =
        new Command.Withdraw(
            new WorkWithdrawn("default/postgresql/b", Work.RESOURCE, "postgresql", 1, List.of()),
            null);
    Command b2 = new Command.Upsert(resource("b", "configure", 2), null);

    assertThat(CommitBatcher.segments(List.of(a1, a2other, b, a1again, withdrawB, b2)))
        .containsExactly(List.of(a1, a2other, b), List.of(a1again, withdrawB), List.of(b2));
  }

  @Test
  void withdrawalOfAKeyUpsertedInTheSameBatchStartsANewSegment() {
    Command b = new Command.Upsert(resource("b", "configure", 1), null);
    Command other = new Command.Upsert(resource("c", "configure", 1), null);
    Command withdrawB =
        new Command.Withdraw(
            new WorkWithdrawn("default/postgresql/b", Work.RESOURCE, "postgresql", 1, List.of()),
            null);

    assertThat(CommitBatcher.segments(List.of(b, other, withdrawB)))
        .containsExactly(List.of(b, other), List.of(withdrawB));
  }
}
