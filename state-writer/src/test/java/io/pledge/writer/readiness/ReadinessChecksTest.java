package io.pledge.writer.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.destination.DestinationReadiness;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.writer.batch.Canary;
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.git.GitStateStores;
import io.pledge.writer.stores.StateStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readiness against real Git state stores; the sink records what would go to Kafka. */
class ReadinessChecksTest {

  static final Duration RECHECK = Duration.ofMinutes(5);
  static final Duration RETRY = Duration.ofSeconds(15);
  static final Predicate<String> OWNS_ALL = key -> true;

  @TempDir Path tmp;
  Path repo;
  DestinationTable table;
  StateStores stores;
  MovableClock clock;
  List<Map.Entry<String, DestinationReadiness>> sent;
  ReadinessChecks checks;

  @BeforeEach
  void setUp() {
    repo = GitFixtures.bareRepository(tmp.resolve("state.git"), "main");
    table = new DestinationTable();
    stores =
        new StateStores(
            new GitStateStores(tmp.resolve("work"), tmp.resolve("secrets"), 3, Duration.ZERO),
            tmp.resolve("secrets"));
    clock = new MovableClock(Instant.parse("2026-12-07T06:00:00Z"));
    sent = new ArrayList<>();
    ReadinessSink sink =
        (key, readiness) -> {
          sent.add(new java.util.AbstractMap.SimpleEntry<>(key, readiness));
          return CompletableFuture.completedFuture(null);
        };
    checks = new ReadinessChecks(table, stores, sink, RECHECK, RETRY, clock);
    gitStore("default", repo.toUri().toString());
    destination("worker-1", "default", true);
  }

  @AfterEach
  void tearDown() {
    stores.close();
  }

  @Test
  void aWritableStoreAndADestinationWithItsTestDocumentsAreReadyAndPublishedOnce() {
    checks.run(OWNS_ALL);
    assertThat(latest()).containsOnlyKeys("GitStateStore/default"); // the canary is not tried yet

    checks.canary("worker-1", written());
    checks.run(OWNS_ALL);
    checks.run(OWNS_ALL);

    Map<String, DestinationReadiness> latest = latest();
    assertThat(latest.get("GitStateStore/default"))
        .extracting(
            DestinationReadiness::kind,
            DestinationReadiness::name,
            DestinationReadiness::ready,
            DestinationReadiness::reason,
            DestinationReadiness::message,
            DestinationReadiness::observedGeneration)
        .containsExactly(
            "GitStateStore", "default", true, "StateStoreReady", "State store is ready", 3L);
    assertThat(latest.get("worker-1"))
        .extracting(DestinationReadiness::ready, DestinationReadiness::reason)
        .containsExactly(true, "TestDocumentsWritten");
    assertThat(sent).hasSize(2);
    assertThat(GitFixtures.head(repo, "main")).isNotNull();
  }

  @Test
  void aStoreThatStopsTakingPushesIsNotReadyAtItsNextCheckAndItsDestinationFollows()
      throws Exception {
    checks.canary("worker-1", written());
    checks.run(OWNS_ALL);
    refuseEveryPush("write access to this repository is revoked");

    clock.advance(RECHECK.minusSeconds(1));
    checks.run(OWNS_ALL);
    assertThat(latest().get("GitStateStore/default").ready()).isTrue(); // not due yet

    clock.advance(Duration.ofSeconds(1));
    checks.run(OWNS_ALL);
    DestinationReadiness store = latest().get("GitStateStore/default");
    assertThat(store.ready()).isFalse();
    assertThat(store.reason()).isEqualTo("ErrorValidatingPermissions");
    assertThat(store.message())
        .startsWith("Error validating state store permissions: ")
        .contains("refused");
    assertThat(store.since()).isEqualTo(clock.instant());
    DestinationReadiness destination = latest().get("worker-1");
    assertThat(destination.ready()).isFalse();
    assertThat(destination.reason()).isEqualTo("StateStoreNotReady");
    assertThat(destination.message()).startsWith("GitStateStore/default: Error validating");

    Files.delete(repo.resolve("hooks/pre-receive"));
    clock.advance(RETRY);
    checks.run(OWNS_ALL);
    assertThat(latest().get("GitStateStore/default").ready()).isTrue();
    assertThat(latest().get("worker-1").ready()).isTrue();
  }

  @Test
  void aStoreFixedByAnApplyIsCheckedAtOnce() {
    gitStore("default", tmp.resolve("nowhere.git").toUri().toString());
    checks.canary("worker-1", written());
    checks.run(OWNS_ALL);
    assertThat(latest().get("GitStateStore/default").message()).contains("no repository there");
    assertThat(latest().get("worker-1").ready()).isFalse();

    gitStore("default", repo.toUri().toString());
    checks.changed(new DestinationTable.Change("GitStateStore", "default", true));
    checks.run(OWNS_ALL); // no time has passed

    assertThat(latest().get("GitStateStore/default").ready()).isTrue();
    assertThat(latest().get("worker-1").ready()).isTrue();
  }

  @Test
  void aDestinationFollowsWhatBecameOfItsStoreAndItsTestDocuments() {
    destination("orphan", "missing", true);
    destination("quiet", "default", false);
    checks.canary("orphan", Canary.noStore("GitStateStore/missing not found", false));
    checks.canary("quiet", notWanted());
    checks.canary(
        "worker-1", new Canary(Canary.Outcome.FAILED, false, "push refused: disk quota exceeded"));

    checks.run(OWNS_ALL);

    Map<String, DestinationReadiness> latest = latest();
    assertThat(latest.get("orphan"))
        .extracting(
            DestinationReadiness::ready,
            DestinationReadiness::reason,
            DestinationReadiness::message)
        .containsExactly(false, "StateStoreNotFound", "GitStateStore/missing: not found");
    assertThat(latest.get("quiet"))
        .extracting(DestinationReadiness::ready, DestinationReadiness::reason)
        .containsExactly(true, "DestinationReady");
    assertThat(latest.get("worker-1"))
        .extracting(
            DestinationReadiness::ready,
            DestinationReadiness::reason,
            DestinationReadiness::message)
        .containsExactly(
            false,
            "StateStoreWriteFailed",
            "Failed to write test documents to State Store: push refused: disk quota exceeded");
  }

  @Test
  void onlyTheOwnerPublishesAndADeletedObjectLeavesATombstone() {
    checks.canary("worker-1", written());
    checks.run(key -> key.equals("worker-1"));
    assertThat(latest()).containsOnlyKeys("worker-1"); // its store was checked, not published

    table.remove("Destination", "worker-1");
    checks.changed(new DestinationTable.Change("Destination", "worker-1", false));
    checks.run(key -> key.equals("worker-1"));

    assertThat(sent.get(sent.size() - 1).getKey()).isEqualTo("worker-1");
    assertThat(sent.get(sent.size() - 1).getValue()).isNull();
  }

  Map<String, DestinationReadiness> latest() {
    Map<String, DestinationReadiness> latest = new LinkedHashMap<>();
    sent.forEach(e -> latest.put(e.getKey(), e.getValue()));
    return latest;
  }

  void gitStore(String name, String url) {
    table.put(
        new DestinationApplied(
            "GitStateStore",
            name,
            KratixDocuments.readAll(
                    "apiVersion: platform.kratix.io/v1alpha1\nkind: GitStateStore\nmetadata: {name: "
                        + name
                        + ", generation: 3}\nspec: {url: '"
                        + url
                        + "', branch: main}\n")
                .get(0)));
  }

  void destination(String name, String store, boolean canary) {
    table.put(
        new DestinationApplied(
            "Destination",
            name,
            KratixDocuments.readAll(
                    "apiVersion: platform.kratix.io/v1alpha1\nkind: Destination\nmetadata: {name: "
                        + name
                        + "}\nspec: {path: "
                        + name
                        + ", initWorkloads: {enabled: "
                        + canary
                        + "}, stateStoreRef: {kind: GitStateStore, name: "
                        + store
                        + "}}\n")
                .get(0)));
  }

  void refuseEveryPush(String why) throws Exception {
    Path hook = repo.resolve("hooks/pre-receive");
    Files.createDirectories(hook.getParent());
    Files.writeString(hook, "#!/bin/sh\necho '" + why + "' >&2\nexit 1\n");
    hook.toFile().setExecutable(true);
  }

  static Canary written() {
    return new Canary(Canary.Outcome.WRITTEN, true, null);
  }

  static Canary notWanted() {
    return new Canary(Canary.Outcome.NOT_WANTED, true, null);
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    private Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
