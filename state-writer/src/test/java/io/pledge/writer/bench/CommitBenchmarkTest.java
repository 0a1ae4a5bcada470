package io.pledge.writer.bench;

import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.writer.batch.BatchAbandonedException;
import io.pledge.writer.batch.Command;
import io.pledge.writer.batch.CommitBatcher;
import io.pledge.writer.batch.Outbox;
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.git.GitStateStores;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.stores.StateStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for the README's Performance section, not a pass/fail test. Excluded from the default
 * build; run with
 *
 * <pre>./mvnw -B -o test -pl state-writer -Dgroups=benchmark -DexcludedGroups=</pre>
 *
 * It drives the commit batcher (scheduling, layout, JGit write, fetch and push to a bare repository
 * over {@code file://}) with an outbox that only counts, so Kafka is not measured.
 */
@Tag("benchmark")
class CommitBenchmarkTest {

  static final String DOT = "5058f1af8388633f609cadb75a75dc9d";
  static final int WORKS = Integer.getInteger("bench.works", 2_000);
  static final int LARGE = Integer.getInteger("bench.large", 100_000);
  static final int BATCH = 500;

  // Held so that the level sticks: one log line per commit would drown the figures.
  private static final java.util.logging.Logger WRITER_LOG =
      java.util.logging.Logger.getLogger("io.pledge.writer");

  @TempDir Path tmp;

  @Test
  void printsCommitFigures() throws Exception {
    WRITER_LOG.setLevel(java.util.logging.Level.WARNING);
    StringBuilder report = new StringBuilder("\n=== state-writer commit benchmark ===\n");
    report.append(
        String.format(
            Locale.ROOT,
            "%d cores, %s, JGit over file://, Works of one 200-byte file each%n",
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.vm.name") + " " + System.getProperty("java.version")));

    Rig batchedRig = new Rig(tmp.resolve("batched"));
    batchedRig.upsert(works("warm", 0, 50), 50);
    long start = System.nanoTime();
    int before = GitFixtures.log(batchedRig.remote, "main").size();
    batchedRig.upsert(works("batched", 0, WORKS), BATCH);
    double batchedSeconds = seconds(start);
    int batchedCommits = GitFixtures.log(batchedRig.remote, "main").size() - before;
    report.append(
        String.format(
            Locale.ROOT,
            "batched (%d Works per commit): %d Works in %.2f s = %.0f Works/s, %d commits%n",
            BATCH,
            WORKS,
            batchedSeconds,
            WORKS / batchedSeconds,
            batchedCommits));
    batchedRig.close();

    Rig singleRig = new Rig(tmp.resolve("single"));
    singleRig.upsert(works("warm", 0, 50), 1);
    start = System.nanoTime();
    before = GitFixtures.log(singleRig.remote, "main").size();
    double[] each = new double[WORKS];
    List<Work> singles = works("single", 0, WORKS);
    for (int i = 0; i < WORKS; i++) {
      long t = System.nanoTime();
      singleRig.upsert(singles.subList(i, i + 1), 1);
      each[i] = (System.nanoTime() - t) / 1e6;
    }
    double singleSeconds = seconds(start);
    int singleCommits = GitFixtures.log(singleRig.remote, "main").size() - before;
    report.append(
        String.format(
            Locale.ROOT,
            "one commit per Work:          %d Works in %.2f s = %.0f Works/s, %d commits%n",
            WORKS,
            singleSeconds,
            WORKS / singleSeconds,
            singleCommits));
    int tenth = Math.max(1, WORKS / 10);
    report.append(
        String.format(
            Locale.ROOT,
            "  per commit: median of the first %d %.0f ms, of the last %d %.0f ms%n",
            tenth,
            median(Arrays.copyOfRange(each, 0, tenth)),
            tenth,
            median(Arrays.copyOfRange(each, WORKS - tenth, WORKS))));
    report.append(
        String.format(Locale.ROOT, "batching speed-up: %.1fx%n", singleSeconds / batchedSeconds));
    singleRig.close();

    for (int existing : new int[] {1_000, LARGE}) {
      report.append(commitTimeWith(existing));
    }
    System.out.println(report);
  }

  /** The time to commit one more Work into a repository already holding {@code existing}. */
  private String commitTimeWith(int existing) throws Exception {
    Path dir = tmp.resolve("existing-" + existing);
    long start = System.nanoTime();
    Path remote = repositoryWith(dir.resolve("remote.git"), existing);
    double buildSeconds = seconds(start);
    Rig rig = new Rig(dir, remote);
    start = System.nanoTime();
    rig.upsert(works("first", 0, 1), 1);
    double firstSeconds = seconds(start);
    int rounds = 15;
    double[] millis = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      long t = System.nanoTime();
      rig.upsert(works("more", i, i + 1), 1);
      millis[i] = (System.nanoTime() - t) / 1e6;
    }
    rig.close();
    Arrays.sort(millis);
    return String.format(
        Locale.ROOT,
        "one more Work with %,7d resources in the repository: median %.0f ms, min %.0f ms, max"
            + " %.0f ms over %d commits (first write incl. initial fetch %.2f s; repository built"
            + " in %.1f s)%n",
        existing,
        millis[rounds / 2],
        millis[0],
        millis[rounds - 1],
        rounds,
        firstSeconds,
        buildSeconds);
  }

  /**
   * A bare repository whose {@code main} holds {@code resources} resource files in the Kratix
   * layout, built as one tree with the in-memory index (not one commit each).
   */
  static Path repositoryWith(Path dir, int resources) throws Exception {
    Git.init().setBare(true).setDirectory(dir.toFile()).setInitialBranch("main").call().close();
    try (Repository repo = Git.open(dir.toFile()).getRepository();
        // One pack for everything, as a server's repository after gc; loose objects would make
        // the 100,000-file repository slow to build and to fetch from.
        ObjectInserter inserter =
            ((ObjectDirectory) ((FileRepository) repo).getObjectDatabase()).newPackInserter()) {
      DirCache index = DirCache.newInCore();
      DirCacheBuilder builder = index.builder();
      for (int i = 0; i < resources; i++) {
        DirCacheEntry entry =
            new DirCacheEntry(
                "worker-1/resources/default/postgresql/existing-"
                    + i
                    + "/instance-configure/5058f/instance.yaml");
        entry.setFileMode(FileMode.REGULAR_FILE);
        entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, content("existing", i)));
        builder.add(entry);
      }
      builder.finish();
      ObjectId tree = index.writeTree(inserter);
      CommitBuilder commit = new CommitBuilder();
      PersonIdent ident = new PersonIdent("bench", "bench@pledge.io");
      commit.setTreeId(tree);
      commit.setAuthor(ident);
      commit.setCommitter(ident);
      commit.setMessage(resources + " resources\n");
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      RefUpdate update = repo.updateRef("refs/heads/main");
      update.setNewObjectId(id);
      update.update();
    }
    return dir;
  }

  static List<Work> works(String prefix, int from, int to) {
    List<Work> works = new ArrayList<>();
    for (int i = from; i < to; i++) {
      works.add(
          new Work(
              "default/postgresql/" + prefix + "-" + i,
              Work.RESOURCE,
              "postgresql",
              "default",
              prefix + "-" + i,
              "instance-configure",
              1,
              List.of(
                  new WorkloadGroup(
                      DOT,
                      ".",
                      List.of(),
                      List.of(Workload.of("instance.yaml", content(prefix, i)))))));
    }
    return works;
  }

  static byte[] content(String prefix, int i) {
    String yaml =
        "apiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata:\n  name: "
            + prefix
            + "-"
            + i
            + "\n  namespace: default\nspec:\n  teamId: acid\n  numberOfInstances: 1\n"
            + "  volume: {size: 1Gi}\n  postgresql: {version: \"16\"}\n";
    return yaml.getBytes(StandardCharsets.UTF_8);
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** A commit batcher writing to its own bare repository. */
  static final class Rig implements AutoCloseable {
    final Path remote;
    final StateStores stores;
    final CommitBatcher batcher;

    Rig(Path dir) {
      this(dir, GitFixtures.bareRepository(dir.resolve("remote.git"), "main"));
    }

    Rig(Path dir, Path remote) {
      this.remote = remote;
      serverWithoutInlineGc(remote);
      DestinationTable destinations = new DestinationTable();
      PlacementTable placements = new PlacementTable();
      stores =
          new StateStores(
              new GitStateStores(dir.resolve("work"), dir.resolve("secrets"), 3, Duration.ZERO),
              dir.resolve("secrets"));
      batcher =
          new CommitBatcher(
              destinations,
              placements,
              stores,
              new CountingOutbox(placements),
              Duration.ofMillis(10),
              Duration.ofMillis(100));
      destinations.put(
          new DestinationApplied(
              "GitStateStore",
              "default",
              KratixDocuments.readAll(
                      "apiVersion: platform.kratix.io/v1alpha1\nkind: GitStateStore\n"
                          + "metadata: {name: default}\nspec: {url: '"
                          + remote.toUri()
                          + "', branch: main}\n")
                  .get(0)));
      destinations.put(
          new DestinationApplied(
              "Destination",
              "worker-1",
              KratixDocuments.readAll(
                      "apiVersion: platform.kratix.io/v1alpha1\nkind: Destination\n"
                          + "metadata: {name: worker-1}\nspec: {path: worker-1, "
                          + "stateStoreRef: {kind: GitStateStore, name: default}}\n")
                  .get(0)));
    }

    /**
     * JGit's receive-pack, serving {@code file://} here, keeps every push as a pack and repacks the
     * whole repository in this JVM every 50 pushes (gc.auto): a Git server's housekeeping, not the
     * writer's, and on a real server it runs elsewhere. Switched off, so that the figures are the
     * writer's own; the writer's local copy keeps JGit's default auto-gc.
     */
    static void serverWithoutInlineGc(Path remote) {
      try (Repository repo = Git.open(remote.toFile()).getRepository()) {
        org.eclipse.jgit.lib.StoredConfig config = repo.getConfig();
        config.setInt("gc", null, "auto", 0);
        config.setInt("gc", null, "autoPackLimit", 0);
        config.save();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    void upsert(List<Work> works, int perBatch) throws BatchAbandonedException {
      for (int from = 0; from < works.size(); from += perBatch) {
        List<Command> commands = new ArrayList<>();
        for (Work work : works.subList(from, Math.min(works.size(), from + perBatch))) {
          commands.add(new Command.Upsert(work, null));
        }
        batcher.process(commands, d -> {});
      }
    }

    @Override
    public void close() {
      stores.close();
    }
  }

  /** Sends nothing; placement records go straight to the table, as Kafka would echo them. */
  static final class CountingOutbox implements Outbox {
    private final PlacementTable table;

    CountingOutbox(PlacementTable table) {
      this.table = table;
    }

    @Override
    public void status(EventType type, String subject, Object data) {}

    @Override
    public void placement(String key, String value) {
      table.apply(key, value);
    }

    @Override
    public void components(io.pledge.contract.work.ComponentSet set) {}

    @Override
    public void deadLetter(ConsumerRecord<String, String> record, String reason) {}

    @Override
    public void flush() {}
  }
}
