package io.pledge.writer.batch;

import static io.pledge.writer.batch.CommitBatcherTest.DOT;
import static io.pledge.writer.batch.CommitBatcherTest.dot;
import static io.pledge.writer.batch.CommitBatcherTest.group;
import static io.pledge.writer.batch.CommitBatcherTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.work.DestinationSelector;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkWithdrawn;
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.scheduling.PlacementRecord;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.store.FolderChange;
import io.pledge.writer.store.StateStore;
import io.pledge.writer.store.StateStoreException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a segment will do, decided from the Destination and placement tables alone: no state store
 * is behind the planner's writers, and nothing is written or sent.
 */
class SegmentPlannerTest {

  static final String OTHER_GROUP = "77777777777777777777777777777777";

  DestinationTable destinations;
  PlacementTable placements;
  SegmentPlanner planner;
  SegmentPlan segment;

  @BeforeEach
  void setUp() {
    destinations = new DestinationTable();
    placements = new PlacementTable();
    StoreResolver resolver =
        new StoreResolver(
            destinations,
            git -> new Unwritable("GitStateStore/" + git.metadata().name()),
            bucket -> new Unwritable("BucketStateStore/" + bucket.metadata().name()));
    planner = new SegmentPlanner(destinations, placements, resolver, destination -> false);
    segment = new SegmentPlan();
    apply(
        "GitStateStore",
        "default",
        "kind: GitStateStore\nmetadata: {name: default}\n"
            + "spec: {url: 'https://git.example/state.git', branch: main}\n");
    destination("worker-1", "env: dev", "default");
  }

  @Test
  void worksForOneStoreShareOneCommitWithAFolderEach() {
    UpsertPlan a =
        planner.planUpsert(upsert(resource("a", "configure", 1, dot("a.yaml", "a"))), segment);
    UpsertPlan b =
        planner.planUpsert(upsert(resource("b", "configure", 1, dot("b.yaml", "b"))), segment);

    assertThat(segment.stores).containsOnlyKeys("GitStateStore/default");
    StoreBatch batch = segment.stores.get("GitStateStore/default");
    assertThat(batch.changes)
        .extracting(FolderChange::path)
        .containsExactly(
            "worker-1/resources/default/postgresql/a/configure/5058f",
            "worker-1/resources/default/postgresql/b/configure/5058f");
    assertThat(batch.updates).hasSize(2);
    assertThat(a.written)
        .singleElement()
        .satisfies(
            w ->
                assertThat(w.paths())
                    .containsExactly(
                        "worker-1/resources/default/postgresql/a/configure/5058f/a.yaml"));
    assertThat(a.records)
        .extracting(PlacementRecord::destinations)
        .containsExactly(List.of("worker-1"));
    assertThat(b.schedule.complete()).isTrue();
    assertThat(segment.rejections).isEmpty();
  }

  @Test
  void aWorkThatEscapesItsFolderIsRefusedAndLeavesNothingToWrite() {
    UpsertPlan plan =
        planner.planUpsert(
            upsert(resource("a", "configure", 1, dot("../../etc/x.yaml", "x"))), segment);

    assertThat(plan).isNull();
    assertThat(segment.rejections)
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("../../etc/x.yaml"));
    assertThat(segment.stores).isEmpty();
  }

  @Test
  void aGroupNoDestinationMatchesWaitsWithoutAWrite() {
    Work work = selecting("prod");

    UpsertPlan plan = planner.planUpsert(upsert(work), segment);

    assertThat(plan.schedule.complete()).isFalse();
    assertThat(plan.written).isEmpty();
    assertThat(segment.stores).isEmpty();
  }

  @Test
  void aDestinationWhoseStoreIsMissingFailsItsPlacementWithTheReason() {
    destination("worker-2", "env: staging", "missing");
    Work work = selecting("staging");

    UpsertPlan plan = planner.planUpsert(upsert(work), segment);

    assertThat(plan.failures).isEqualTo(Map.of("worker-2", "GitStateStore/missing not found"));
    assertThat(plan.written).isEmpty();
    assertThat(segment.stores).isEmpty();
  }

  @Test
  void anOlderGenerationThanOnePlacedIsSkippedNotRefused() {
    Work newer = resource("a", "configure", 3, dot("a.yaml", "a3"));
    placements.putPlacement(
        PlacementRecord.of(
            newer, newer.workloadGroups().get(0), List.of("worker-1"), List.of(), false));

    UpsertPlan plan =
        planner.planUpsert(upsert(resource("a", "configure", 2, dot("a.yaml", "a2"))), segment);

    assertThat(plan).isNull();
    assertThat(segment.rejections).isEmpty();
    assertThat(segment.stores).isEmpty();
  }

  @Test
  void aGroupThePipelineNoLongerProducesLeavesWithItsFolder() {
    Work before =
        resource(
            "a", "configure", 1, dot("a.yaml", "a"), group(OTHER_GROUP, List.of(), "b.yaml", "b"));
    for (var group : before.workloadGroups()) {
      placements.putPlacement(
          PlacementRecord.of(before, group, List.of("worker-1"), List.of(), false));
    }

    UpsertPlan plan =
        planner.planUpsert(upsert(resource("a", "configure", 2, dot("a.yaml", "a2"))), segment);

    assertThat(plan.droppedGroups)
        .extracting(PlacementRecord::workloadGroupId)
        .containsExactly(OTHER_GROUP);
    assertThat(segment.leaving).containsExactly(plan.droppedGroups.get(0).recordKey());
    assertThat(segment.stores.get("GitStateStore/default").changes)
        .filteredOn(c -> c instanceof FolderChange.RemoveFolder)
        .extracting(FolderChange::path)
        .containsExactly("worker-1/resources/default/postgresql/a/configure/77777");
  }

  @Test
  void aWithdrawnResourceTakesItsWholeFolderAndItsPlacements() {
    Work work = resource("a", "configure", 1, dot("a.yaml", "a"));
    PlacementRecord record =
        PlacementRecord.of(
            work, work.workloadGroups().get(0), List.of("worker-1"), List.of(), false);
    placements.putPlacement(record);

    WithdrawPlan plan =
        planner.planWithdraw(
            new WorkWithdrawn(work.key(), Work.RESOURCE, "postgresql", 2, List.of()), segment);

    assertThat(plan.records).containsExactly(record);
    assertThat(segment.leaving).isEqualTo(Set.of(record.recordKey()));
    assertThat(segment.stores.get("GitStateStore/default").changes)
        .extracting(FolderChange::path)
        .containsExactly("worker-1/resources/default/postgresql/a");
  }

  /** A resource Work whose one group asks for Destinations labelled {@code env}. */
  private static Work selecting(String env) {
    DestinationSelector selector = new DestinationSelector(Map.of("env", env), "promise");
    return resource("a", "configure", 1, group(DOT, List.of(selector), "a.yaml", "a"));
  }

  private static Command.Upsert upsert(Work work) {
    return new Command.Upsert(work, null);
  }

  private void destination(String name, String labels, String store) {
    apply(
        "Destination",
        name,
        "kind: Destination\nmetadata:\n  name: "
            + name
            + "\n  labels: {"
            + labels
            + "}\nspec:\n  stateStoreRef: {kind: GitStateStore, name: "
            + store
            + "}\n");
  }

  private void apply(String kind, String name, String yaml) {
    destinations.put(new DestinationApplied(kind, name, KratixDocuments.readAll(yaml).get(0)));
  }

  /** A writer the planner may hold but never uses: planning writes nothing. */
  private record Unwritable(String name) implements StateStore {
    @Override
    public WriteResult write(List<FolderChange> changes, String message) {
      throw new AssertionError("the planner wrote to " + name);
    }

    @Override
    public void checkWrite() throws StateStoreException {
      throw new AssertionError("the planner checked " + name);
    }

    @Override
    public void close() {}
  }
}
