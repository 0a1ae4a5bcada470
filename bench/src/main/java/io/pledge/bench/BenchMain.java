package io.pledge.bench;

import io.pledge.bench.bare.BareGitCommit;
import io.pledge.bench.bare.BareKafka;
import io.pledge.bench.bare.BareStage;
import io.pledge.bench.chaos.ChaosMonkey;
import io.pledge.bench.chaos.ChaosPlan;
import io.pledge.bench.chaos.Fault;
import io.pledge.bench.chaos.PoisonEvents;
import io.pledge.bench.deploy.Deployment;
import io.pledge.bench.history.HistoryRun;
import io.pledge.bench.load.InboundPublisher;
import io.pledge.bench.load.IntakeClient;
import io.pledge.bench.load.LoadDriver;
import io.pledge.bench.load.Phase;
import io.pledge.bench.load.PlannedRequest;
import io.pledge.bench.load.RequestPlan;
import io.pledge.bench.load.RequestRecord;
import io.pledge.bench.load.Via;
import io.pledge.bench.measure.Clock;
import io.pledge.bench.measure.LatencyStats;
import io.pledge.bench.measure.Milestones;
import io.pledge.bench.measure.ProcessSampler;
import io.pledge.bench.measure.StatusTracker;
import io.pledge.bench.measure.Throughput;
import io.pledge.bench.report.BenchReport;
import io.pledge.bench.report.Charts;
import io.pledge.bench.report.ReportRenderer;
import io.pledge.bench.report.Targets;
import io.pledge.bench.verify.Accepted;
import io.pledge.bench.verify.Delivery;
import io.pledge.bench.verify.InboxReader;
import io.pledge.bench.verify.StateStoreReader;
import io.pledge.bench.verify.Verdict;
import io.pledge.bench.verify.Verifier;
import io.pledge.contract.Topics;
import io.pledge.contract.event.EventCodec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The harness: against the deployment {@code bench/run} started, applies the benchmark Promise,
 * sends the load phase by phase (each drained before the next), injects faults when asked, then
 * measures the bare work, verifies the state store and the stubs, and writes the report.
 */
public final class BenchMain {

  static final String STORE_PREFIX = "bench-worker/resources/" + RequestPlan.NAMESPACE + "/bench";
  static final String KEY_PREFIX = RequestPlan.NAMESPACE + "/" + RequestPlan.PROMISE;

  private final BenchOptions options;
  private final Deployment deployment;
  private final String runId;
  private final List<String> problems = new ArrayList<>();

  BenchMain(BenchOptions options, Deployment deployment) {
    this.options = options;
    this.deployment = deployment;
    this.runId = deployment.resultsDir().getFileName().toString();
  }

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      boolean help =
          java.util.Arrays.asList(args).contains("--help")
              || java.util.Arrays.asList(args).contains("-h");
      (help ? System.out : System.err).println(e.getMessage());
      System.exit(help ? 0 : 64);
      return;
    }
    if (System.getenv("BENCH_CHECK_ONLY") != null) {
      return;
    }
    int code;
    try {
      code = new BenchMain(options, Deployment.fromEnvironment(System.getenv())).run();
    } catch (Exception e) {
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  int run() throws Exception {
    if (deployment.replicas() != options.replicas()) {
      // bench/run exports PLEDGE_REPLICAS from --replicas; anything else is a deployment of
      // another shape than the one asked for.
      throw new IllegalStateException(
          "--replicas "
              + options.replicas()
              + " but PLEDGE_REPLICAS="
              + deployment.replicas()
              + ": start the harness with bench/run");
    }
    String started = Instant.now().toString();
    double loadAverage = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    List<Phase> phases = RequestPlan.phases(options);
    List<PlannedRequest> plan = RequestPlan.build(options, phases);
    List<RequestRecord> records = plan.stream().map(RequestRecord::new).toList();
    printPlan(phases);

    ProcessSampler sampler = new ProcessSampler(deployment.runDir());
    StatusTracker tracker = new StatusTracker(deployment.bootstrap(), Topics.STATUS);
    IntakeClient intake = new IntakeClient(deployment.intakes(), deployment.adminToken());
    InboundPublisher inbound =
        new InboundPublisher(deployment.bootstrap(), Topics.REQUESTS_INBOUND);
    LoadDriver driver =
        new LoadDriver(intake, inbound, options.concurrency(), options.payloadBytes());
    ChaosMonkey monkey = null;
    PoisonEvents poison = new PoisonEvents(inbound);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    deployment.allowPushes();
                    deployment.recoverStubs();
                  } catch (Exception e) {
                    // best effort on the way out
                  }
                }));
    Progress progress = new Progress(tracker);
    try {
      requireAlive("after deploy/local/up");
      authoriseInbound();
      applySetup(intake, tracker);
      requireAlive("after the setup");
      BenchReport.HistoryReport history = null;
      if (options.history() > 0) {
        history = new HistoryRun(deployment, intake).run(options.history(), options.payloadBytes());
        requireAlive("after the history's restarts");
      }

      long loadStart = 0;
      int commitsBefore = 0;
      for (Phase phase : phases) {
        List<RequestRecord> mine = records.stream().filter(r -> r.plan().phase() == phase).toList();
        if (phase.measured() && loadStart == 0) {
          measureIdle(sampler);
          sampler.mark("load-start");
          commitsBefore = commitCount();
          loadStart = Clock.micros();
          if (options.chaos()) {
            long expected =
                phase.rate() == null
                    ? Math.max(60_000, phase.requests() * 20L)
                    : (long) (phase.requests() / phase.rate() * 1000);
            List<Fault> faults =
                ChaosPlan.plan(options.faults(), options.services(), expected, options.seed());
            System.out.printf(
                "[chaos] seed %d, %d faults over ~%d s of load%n",
                options.seed(), faults.size(), expected / 1000);
            faults.forEach(
                f ->
                    System.out.printf(
                        "[chaos]   at %5.1f s: %s%n", f.atMillis() / 1000.0, f.describe()));
            monkey = new ChaosMonkey(deployment, poison, faults);
            monkey.start();
          }
        }
        System.out.printf(
            "[%s] sending %d requests at %s%n", phase.name(), phase.requests(), phase.rateText());
        progress.start(phase.name(), mine);
        driver.run(mine);
        System.out.printf("[%s] all sent; waiting until each is Reconciled%n", phase.name());
        if (monkey != null) {
          // Faults still to come happen while this phase drains, not after it.
          drain(phase.name(), mine, tracker, Duration.ZERO);
          if (!monkey.awaitDone(Duration.ofMinutes(30))) {
            problems.add("chaos did not finish its plan in 30 minutes");
          }
          monkey.heal();
        }
        drain(phase.name(), mine, tracker, options.stallTimeout());
        progress.stop();
      }
      int commitsAfter = commitCount();
      // The notifications are part of the work the load caused: the window closes once they are
      // out.
      waitForNotifications(records, tracker);
      checkPoisonRefused(poison, tracker);
      sampler.mark("load-end");
      long loadEnd = Clock.micros();

      System.out.println("[bare] measuring the bare work on the same machine");
      BenchReport.BareReport bare = measureBare();

      System.out.println("[verify] reading the state store and the stubs' inboxes");
      Verdict verdict = verify(records);

      BenchReport report =
          report(
              started,
              loadAverage,
              phases,
              records,
              tracker,
              sampler,
              bare,
              verdict,
              monkey,
              driver,
              commitsBefore,
              commitsAfter,
              loadStart,
              loadEnd,
              history);
      write(report, records, tracker, sampler, monkey, loadStart);
      System.out.print(ReportRenderer.summary(report));
      System.out.println("Report: " + deployment.resultsDir().resolve("report.md"));
      boolean clean = report.phases().stream().allMatch(p -> p.problems().isEmpty());
      return verdict.ok() && clean && problems.isEmpty() ? 0 : 2;
    } finally {
      progress.stop();
      if (monkey != null) {
        monkey.close();
      }
      driver.close();
      inbound.close();
      tracker.close();
      sampler.close();
    }
  }

  /**
   * Fails when a process of the deployment is not running: a port taken by someone else, or a
   * crash, would otherwise show as requests that never finish (or answers from another deployment).
   */
  private void requireAlive(String when) {
    List<String> dead = deployment.dead();
    if (!dead.isEmpty()) {
      throw new IllegalStateException("not running " + when + ": " + String.join(", ", dead));
    }
  }

  private void printPlan(List<Phase> phases) {
    System.out.printf(
        "Pledge benchmark %s: %d requests on %d resources via %s%s%n",
        runId,
        options.requests(),
        options.resources(),
        options.via(),
        options.chaos()
            ? ", with chaos (faults: " + options.faults() + ", kills: " + options.services() + ")"
            : "");
    if (options.replicas() > 1) {
      System.out.printf(
          "  %d instances of each service; REST round-robin over intakes %s%n",
          options.replicas(), deployment.intakes());
    }
    double seconds = 0;
    if (options.history() > 0) {
      // A rough guess: the writing, then four restarts replaying it.
      seconds += options.history() * 15 / 100_000.0 + options.history() * 4 / 2_000.0;
      System.out.printf(
          "  first the history: %d resources pre-loaded in namespace history, each service restarted%n",
          options.history());
    }
    for (Phase p : phases) {
      // Without a rate, assume the ~60 requests/s this 2-core machine managed in development.
      double s = p.rate() == null ? p.requests() / 60.0 : p.requests() / p.rate();
      seconds += s + 5;
      System.out.printf(
          "  phase %-10s %6d requests at %-6s (~%.0f s)%n",
          p.name(), p.requests(), p.rateText(), s);
    }
    seconds += options.bareRuns() * 0.012 + 20;
    System.out.printf(
        "  then the bare work (%d sandbox runs) and the verification; expect roughly %d min in all%n",
        options.bareRuns(), Math.round(Math.ceil(seconds / 60)));
  }

  /** Binds the harness's CloudEvent source to the requester role in the bench namespace. */
  private void authoriseInbound() throws IOException {
    Path tokens = deployment.home().resolve("intake/tokens.yaml");
    if (!Files.exists(tokens)) {
      return;
    }
    String text = Files.readString(tokens);
    if (text.contains(InboundPublisher.SOURCE)) {
      return;
    }
    String section =
        (text.contains("\nsystems:") ? "" : "systems:\n")
            + "  - source: "
            + InboundPublisher.SOURCE
            + "\n    roles: [requester]\n    namespaces: ["
            + RequestPlan.NAMESPACE
            + "]\n";
    Files.writeString(
        tokens, (text.endsWith("\n") ? "" : "\n") + section, StandardOpenOption.APPEND);
  }

  private void applySetup(IntakeClient intake, StatusTracker tracker) throws Exception {
    Path promise = deployment.root().resolve("bench/promise");
    String yaml =
        String.join(
            "\n---\n",
            Files.readString(promise.resolve("gitstatestore.yaml"))
                .replace("${PLEDGE_HOME}", deployment.home().toString()),
            Files.readString(promise.resolve("destination.yaml")),
            Files.readString(promise.resolve("promise.yaml")),
            Files.readString(promise.resolve("notification-policy.yaml")));
    HttpResponse<String> answer = intake.apply(yaml, "application/yaml");
    if (answer.statusCode() != 200) {
      throw new IllegalStateException(
          "applying the benchmark Promise answered " + answer.statusCode() + ": " + answer.body());
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!tracker.promiseConfigured(RequestPlan.PROMISE)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the bench Promise did not become Available in 2 minutes");
      }
      Thread.sleep(100);
    }
    System.out.println(
        "[setup] Promise bench is Available; Destination bench-worker, GitStateStore bench");
  }

  /**
   * Waits until every accepted request of {@code records} is Reconciled at its generation or later,
   * resolving inbound requests' generations from their answer events on the way. Gives up when
   * nothing moved for {@code stall} (ZERO: only resolves what it can now and returns).
   */
  private void drain(
      String phase, List<RequestRecord> records, StatusTracker tracker, Duration stall)
      throws InterruptedException {
    long lastMove = System.nanoTime();
    int lastDone = -1;
    while (true) {
      int pending = 0;
      int done = 0;
      for (RequestRecord r : records) {
        resolve(r, tracker);
        if (r.accepted()) {
          if (tracker.reconciledAt(r.plan().key(), r.generation())) {
            done++;
          } else {
            pending++;
          }
        } else if (r.plan().via() == Via.INBOUND && RequestRecord.UNKNOWN.equals(r.outcome())) {
          pending++;
        }
      }
      if (pending == 0 || stall.isZero()) {
        return;
      }
      if (done != lastDone) {
        lastDone = done;
        lastMove = System.nanoTime();
      } else if (System.nanoTime() - lastMove > stall.toNanos()) {
        List<String> stuck = new ArrayList<>();
        for (RequestRecord r : records) {
          if (stuck.size() < 5
              && !(r.accepted() && tracker.reconciledAt(r.plan().key(), r.generation()))
              && !RequestRecord.REJECTED.equals(r.outcome())) {
            stuck.add(r.plan().key() + " gen " + r.generation() + " (" + r.outcome() + ")");
          }
        }
        List<String> dead = deployment.dead();
        String message =
            String.format(
                "%s: %d requests not Reconciled after %d s without progress, e.g. %s%s",
                phase,
                pending,
                stall.toSeconds(),
                stuck,
                dead.isEmpty() ? "" : "; not running: " + String.join(", ", dead));
        System.out.println("[drain] " + message);
        problems.add(message);
        return;
      }
      Thread.sleep(250);
    }
  }

  /**
   * Each oversized poison event must have been refused as a whole: one rejection correlated to its
   * id, none of its documents accepted. (That the load behind it was not held up, the drain and the
   * verification show.)
   */
  private void checkPoisonRefused(PoisonEvents poison, StatusTracker tracker) {
    for (String id : poison.oversizedIds()) {
      StatusTracker.Correlation c = tracker.correlation(id);
      if (c == null) {
        problems.add("poison event " + id + " got no answer on pledge.status");
      } else if (!c.rejected()) {
        problems.add("poison event " + id + " was accepted (" + c.key() + "), not refused");
      } else {
        System.out.printf("[verify] poison event %s refused: %s%n", id, c.detail());
      }
    }
  }

  /** An inbound request learns its generation from the answer event correlated to it. */
  private static void resolve(RequestRecord r, StatusTracker tracker) {
    if (r.plan().via() != Via.INBOUND || r.eventId() == null || r.accepted()) {
      return;
    }
    if (RequestRecord.REJECTED.equals(r.outcome())) {
      return;
    }
    StatusTracker.Correlation c = tracker.correlation(r.eventId());
    if (c == null) {
      return;
    }
    if (c.rejected()) {
      r.reject(c.detail());
    } else {
      r.accept(c.generation(), "inbound");
    }
  }

  /** Until every resource's last generation has its Slack and billing calls, or nothing moves. */
  private void waitForNotifications(List<RequestRecord> records, StatusTracker tracker)
      throws IOException, InterruptedException {
    Map<String, Long> last = new TreeMap<>();
    for (RequestRecord r : records) {
      if (r.accepted()) {
        last.merge(r.plan().key(), r.generation(), Math::max);
      }
    }
    Duration stall = options.chaos() ? Duration.ofMinutes(3) : Duration.ofSeconds(60);
    long lastMove = System.nanoTime();
    int lastSeen = -1;
    long printed = 0;
    while (true) {
      List<Delivery> deliveries = InboxReader.read(deployment.inbox());
      Set<String> slack = new HashSet<>();
      Set<String> billed = new HashSet<>();
      for (Delivery d : deliveries) {
        if ("slack".equals(d.channel()) && "reconciled".equals(d.event())) {
          slack.add(d.key() + "#" + d.generation());
        } else if ("billing".equals(d.channel()) && "created".equals(d.event())) {
          billed.add(d.key());
        }
      }
      int missing = 0;
      for (Map.Entry<String, Long> e : last.entrySet()) {
        missing += slack.contains(e.getKey() + "#" + e.getValue()) ? 0 : 1;
        missing += billed.contains(e.getKey()) ? 0 : 1;
      }
      if (missing == 0) {
        return;
      }
      if (deliveries.size() != lastSeen) {
        lastSeen = deliveries.size();
        lastMove = System.nanoTime();
      } else if (System.nanoTime() - lastMove > stall.toNanos()) {
        System.out.printf(
            "[notify] %d Slack/billing calls still missing after %d s without progress%n",
            missing, stall.toSeconds());
        return;
      }
      if (System.nanoTime() - printed > 5_000_000_000L) {
        printed = System.nanoTime();
        System.out.printf("[notify] waiting for %d Slack/billing calls%n", missing);
      }
      Thread.sleep(1000);
    }
  }

  private BenchReport.BareReport measureBare() throws Exception {
    Path work = deployment.resultsDir().resolve("bare");
    BareStage stage =
        new BareStage(
            Path.of(System.getenv().getOrDefault("BENCH_BWRAP", "/usr/bin/bwrap")),
            deployment.root().resolve("bench/promise/pipeline/configure"),
            work.resolve("stage"));
    // A few unmeasured rounds first, as Pledge had its warm-up: class loading and JIT are not the
    // work.
    stage.loop(Math.min(10, options.bareRuns()), options.payloadBytes());
    BareGitCommit.commit(work.resolve("git-warmup"), Math.min(200, options.requests()));
    BareStage.Result s = stage.loop(options.bareRuns(), options.payloadBytes());
    System.out.printf(
        "[bare] stage: %d runs, %.1f runs/s, p50 %.1f ms%n",
        s.runs(), s.perSecond(), s.latency().p50());
    BareGitCommit.Result g = BareGitCommit.commit(work.resolve("git"), options.requests());
    System.out.printf("[bare] one commit of %d files: %.2f s%n", g.files(), g.seconds());
    BareKafka.Result k =
        BareKafka.measure(
            deployment.bootstrap(),
            Math.min(options.requests(), 1000),
            options.requests(),
            options.payloadBytes());
    System.out.printf(
        "[bare] Kafka: round trip p50 %.2f ms, %d records in %.2f s%n",
        k.roundTrip().p50(), k.records(), k.seconds());
    deleteTree(work);
    double perRequestSeconds = 1 / s.perSecond() + 1 / g.filesPerSecond() + 1 / k.perSecond();
    return new BenchReport.BareReport(
        s.runs(),
        s.seconds(),
        s.perSecond(),
        s.latency(),
        s.failures(),
        g.files(),
        g.seconds(),
        g.filesPerSecond(),
        k.roundTrip(),
        k.records(),
        k.seconds(),
        k.perSecond(),
        1 / perRequestSeconds);
  }

  private Verdict verify(List<RequestRecord> records) throws IOException {
    List<Accepted> accepted = new ArrayList<>();
    for (RequestRecord r : records) {
      if (r.accepted()) {
        accepted.add(new Accepted(r.plan().key(), r.generation(), r.plan().seq()));
      }
    }
    try (StateStoreReader store =
        new StateStoreReader(deployment.stateStore(), "main", STORE_PREFIX)) {
      StateStoreReader.History history = store.history(KEY_PREFIX);
      return Verifier.verify(
          accepted,
          store.head(KEY_PREFIX),
          history.writes(),
          history.emptyCommits(),
          InboxReader.read(deployment.inbox()));
    }
  }

  private int commitCount() {
    try (StateStoreReader store =
        new StateStoreReader(deployment.stateStore(), "main", STORE_PREFIX)) {
      return store.commitCount();
    } catch (IOException e) {
      return -1;
    }
  }

  private BenchReport report(
      String started,
      double loadAverage,
      List<Phase> phases,
      List<RequestRecord> records,
      StatusTracker tracker,
      ProcessSampler sampler,
      BenchReport.BareReport bare,
      Verdict verdict,
      ChaosMonkey monkey,
      LoadDriver driver,
      int commitsBefore,
      int commitsAfter,
      long loadStart,
      long loadEnd,
      BenchReport.HistoryReport history)
      throws IOException {
    List<BenchReport.PhaseReport> phaseReports = new ArrayList<>();
    int measuredReconciled = 0;
    for (Phase phase : phases) {
      if (!phase.measured()) {
        continue;
      }
      BenchReport.PhaseReport p =
          phaseReport(
              phase, records.stream().filter(r -> r.plan().phase() == phase).toList(), tracker);
      phaseReports.add(p);
      measuredReconciled += p.reconciled();
    }
    BenchReport.PhaseReport max = null;
    BenchReport.PhaseReport latency = null;
    for (BenchReport.PhaseReport p : phaseReports) {
      if ("max".equals(p.rate()) && max == null) {
        max = p;
      }
      if ("latency".equals(p.name())) {
        latency = p;
      }
    }
    BenchReport.PhaseReport throughputPhase =
        max != null ? max : phaseReports.get(phaseReports.size() - 1);
    BenchReport.PhaseReport latencyPhase = latency != null ? latency : phaseReports.get(0);
    BenchReport.Comparison comparison = null;
    if (bare != null) {
      double pledge = throughputPhase.sustainedPerSecond();
      comparison =
          new BenchReport.Comparison(
              throughputPhase.name(),
              throughputPhase.rate(),
              pledge,
              bare.perSecond(),
              pledge / bare.perSecond(),
              latencyPhase.endToEnd().p50(),
              latencyPhase.endToEnd().p99(),
              bare.stageLatency().p50(),
              bare.stageLatency().p99(),
              latencyPhase.endToEnd().p50() - bare.stageLatency().p50(),
              latencyPhase.endToEnd().p99() - bare.stageLatency().p99());
    }

    Map<String, double[]> cpu = sampler.window("load-start", "load-end");
    double loadSeconds = (loadEnd - loadStart) / 1e6;
    Map<String, double[]> ordered = new LinkedHashMap<>();
    for (String name : ProcessSampler.NAMES) {
      ordered.put(name, cpu.getOrDefault(name, new double[2]));
    }
    double pledgeBusy = ordered.values().stream().mapToDouble(c -> c[0] + c[1]).sum();
    List<BenchReport.ServiceUsage> usage =
        usage(
            ordered,
            sampler.window(IDLE_START, IDLE_END),
            sampler.seconds(IDLE_START, IDLE_END),
            sampler.peakRssMb(),
            sampler.incarnations(),
            measuredReconciled,
            loadSeconds);
    List<BenchReport.ServiceUsage> instances =
        usage(
            sampler.windowByInstance("load-start", "load-end"),
            sampler.windowByInstance(IDLE_START, IDLE_END),
            sampler.seconds(IDLE_START, IDLE_END),
            sampler.peakRssMbByInstance(),
            sampler.incarnationsByInstance(),
            measuredReconciled,
            loadSeconds);
    double[] machine = sampler.machineWindow("load-start", "load-end");
    BenchReport.MachineUsage machineUsage =
        new BenchReport.MachineUsage(
            loadSeconds, machine[1], machine[0], Math.max(0, machine[0] - pledgeBusy));

    List<String> faults = new ArrayList<>();
    if (monkey != null) {
      for (ChaosMonkey.Injected i : monkey.injected()) {
        faults.add(
            String.format(
                Locale.ROOT,
                "+%.1f s: %s (took %.1f s)%s%s",
                (i.startMicros() - loadStart) / 1e6,
                i.fault().describe(),
                (i.endMicros() - i.startMicros()) / 1e6,
                i.error() == null ? "" : " FAILED: " + i.error(),
                i.note() == null ? "" : " — " + i.note()));
      }
    }
    BenchReport.ChaosReport chaos =
        new BenchReport.ChaosReport(
            options.chaos(),
            options.seed(),
            faults,
            driver.restRetries(),
            InboxReader.refused(deployment.inbox(), "slack"),
            InboxReader.refused(deployment.inbox(), "billing"),
            monkey == null ? List.of() : takeovers(monkey.takeovers()));

    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("requests", options.requests());
    opts.put(
        "rate",
        options.twoPhases()
            ? "latency 10/s + max"
            : options.rate() == null ? "max" : options.rate());
    opts.put("resources", options.resources());
    opts.put("via", options.via());
    opts.put("chaos", options.chaos());
    opts.put("replicas", options.replicas());
    opts.put("warmup", options.warmup());
    opts.put("concurrency", options.concurrency());
    opts.put("payloadBytes", options.payloadBytes());
    opts.put("bareRuns", options.bareRuns());
    if (options.history() > 0) {
      opts.put("history", options.history());
    }

    List<BenchReport.PhaseReport> withProblems = new ArrayList<>(phaseReports);
    if (!problems.isEmpty() && !withProblems.isEmpty()) {
      BenchReport.PhaseReport last = withProblems.remove(withProblems.size() - 1);
      List<String> all = new ArrayList<>(last.problems());
      all.addAll(problems);
      withProblems.add(
          new BenchReport.PhaseReport(
              last.name(),
              last.rate(),
              last.requests(),
              last.accepted(),
              last.rejected(),
              last.unknown(),
              last.reconciled(),
              last.seconds(),
              last.sustainedPerSecond(),
              last.overallPerSecond(),
              last.legs(),
              last.detail(),
              last.endToEndByVia(),
              all));
    }
    return new BenchReport(
        runId,
        started,
        Instant.now().toString(),
        new BenchReport.Environment(
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
            System.getProperty("os.name") + " " + System.getProperty("os.version"),
            checkout(),
            deployment.home().toString(),
            loadAverage),
        opts,
        withProblems,
        bare,
        comparison,
        usage,
        machineUsage,
        new BenchReport.GitReport(
            commitsBefore,
            commitsAfter,
            commitsAfter - commitsBefore,
            tracker.distinctCommitShas()),
        chaos,
        verdict,
        Targets.check(phaseReports, comparison, usage),
        tracker.eventCounts(),
        tracker.notificationOutcomes(),
        instances,
        history);
  }

  static BenchReport.PhaseReport phaseReport(
      Phase phase, List<RequestRecord> records, StatusTracker tracker) {
    int legsCount = Milestones.LEGS.length;
    List<long[]> legs = new ArrayList<>();
    for (int i = 0; i <= legsCount; i++) {
      legs.add(new long[records.size()]);
    }
    int detailCount = Milestones.DETAIL.length;
    List<long[]> details = new ArrayList<>();
    for (int i = 0; i < detailCount; i++) {
      details.add(new long[records.size()]);
    }
    Map<String, List<Long>> byVia = new TreeMap<>();
    long[] completions = new long[records.size()];
    int n = 0;
    int accepted = 0;
    int rejected = 0;
    int unknown = 0;
    long firstSent = Long.MAX_VALUE;
    long lastDone = 0;
    for (RequestRecord r : records) {
      if (r.sentMicros() > 0) {
        firstSent = Math.min(firstSent, r.sentMicros());
      }
      if (RequestRecord.REJECTED.equals(r.outcome())) {
        rejected++;
        continue;
      }
      if (!r.accepted()) {
        unknown++;
        continue;
      }
      accepted++;
      Milestones m = tracker.milestones(r.plan().key(), r.generation());
      long[] l = m.legs(r.sentMicros());
      if (l == null) {
        continue;
      }
      long total = 0;
      for (int i = 0; i < legsCount; i++) {
        legs.get(i)[n] = l[i];
        total += l[i];
      }
      legs.get(legsCount)[n] = total;
      long[] d = m.detail(r.sentMicros());
      for (int i = 0; i < detailCount; i++) {
        details.get(i)[n] = d[i];
      }
      completions[n] = m.reconciled();
      lastDone = Math.max(lastDone, m.reconciled());
      byVia
          .computeIfAbsent(r.plan().via().name().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(total);
      n++;
    }
    Map<String, LatencyStats> stats = new LinkedHashMap<>();
    for (int i = 0; i < legsCount; i++) {
      stats.put(Milestones.LEGS[i], LatencyStats.ofMicros(java.util.Arrays.copyOf(legs.get(i), n)));
    }
    stats.put(
        Milestones.LEG_E2E, LatencyStats.ofMicros(java.util.Arrays.copyOf(legs.get(legsCount), n)));
    Map<String, LatencyStats> detailStats = new LinkedHashMap<>();
    for (int i = 0; i < detailCount; i++) {
      detailStats.put(
          Milestones.DETAIL[i], LatencyStats.ofMicros(java.util.Arrays.copyOf(details.get(i), n)));
    }
    Map<String, LatencyStats> via = new TreeMap<>();
    if (byVia.size() > 1) {
      byVia.forEach(
          (k, v) ->
              via.put(k, LatencyStats.ofMicros(v.stream().mapToLong(Long::longValue).toArray())));
    }
    long[] done = java.util.Arrays.copyOf(completions, n);
    List<String> problems = new ArrayList<>();
    if (rejected > 0) {
      problems.add(
          rejected + " requests rejected, e.g. " + firstDetail(records, RequestRecord.REJECTED));
    }
    if (unknown > 0) {
      problems.add(
          unknown
              + " requests never known to be accepted, e.g. "
              + firstDetail(records, RequestRecord.UNKNOWN));
    }
    if (n < accepted) {
      problems.add((accepted - n) + " accepted requests never became Reconciled");
    }
    return new BenchReport.PhaseReport(
        phase.name(),
        phase.rateText(),
        records.size(),
        accepted,
        rejected,
        unknown,
        n,
        firstSent == Long.MAX_VALUE || lastDone == 0 ? 0 : (lastDone - firstSent) / 1e6,
        Throughput.sustained(done),
        firstSent == Long.MAX_VALUE ? Double.NaN : Throughput.overall(firstSent, done),
        stats,
        detailStats,
        via,
        problems);
  }

  private static String firstDetail(List<RequestRecord> records, String outcome) {
    return records.stream()
        .filter(r -> outcome.equals(r.outcome()))
        .map(r -> r.plan().key() + ": " + r.detail())
        .findFirst()
        .orElse("");
  }

  private static List<BenchReport.TakeoverReport> takeovers(List<ChaosMonkey.TakeoverTime> times) {
    List<BenchReport.TakeoverReport> reports = new ArrayList<>();
    for (ChaosMonkey.TakeoverTime t : times) {
      Map<String, Double> groups = new LinkedHashMap<>();
      t.groupMillis().forEach((g, ms) -> groups.put(g, ms < 0 ? Double.NaN : ms / 1000.0));
      reports.add(
          new BenchReport.TakeoverReport(
              t.service(),
              t.instance(),
              t.millis() < 0 ? Double.NaN : t.millis() / 1000.0,
              groups));
    }
    return reports;
  }

  private void write(
      BenchReport report,
      List<RequestRecord> records,
      StatusTracker tracker,
      ProcessSampler sampler,
      ChaosMonkey monkey,
      long origin)
      throws IOException {
    Path dir = deployment.resultsDir();
    EventCodec.JSON
        .writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("report.json").toFile(), report);
    Files.writeString(dir.resolve("report.md"), ReportRenderer.markdown(report));

    List<Long> sent = new ArrayList<>();
    List<Long> reconciled = new ArrayList<>();
    Map<String, long[]> latency = new LinkedHashMap<>();
    Phase first = null;
    List<String> lines = new ArrayList<>();
    lines.add(
        "index,phase,key,via,seq,outcome,generation,sent_us,accepted_us,started_us,succeeded_us,"
            + "pipeline_done_us,scheduled_us,committed_us,reconciled_us,sha,attempts");
    Map<Phase, List<long[]>> legsByPhase = new LinkedHashMap<>();
    for (RequestRecord r : records) {
      Phase phase = r.plan().phase();
      Milestones m =
          r.accepted() ? tracker.milestones(r.plan().key(), r.generation()) : Milestones.NONE;
      lines.add(
          String.join(
              ",",
              Integer.toString(r.plan().index()),
              phase.name(),
              r.plan().key(),
              r.plan().via().name().toLowerCase(Locale.ROOT),
              Long.toString(r.plan().seq()),
              r.outcome(),
              Long.toString(r.generation()),
              Long.toString(r.sentMicros()),
              Long.toString(m.accepted()),
              Long.toString(m.started()),
              Long.toString(m.succeeded()),
              Long.toString(m.pipelineDone()),
              Long.toString(m.scheduled()),
              Long.toString(m.committed()),
              Long.toString(m.reconciled()),
              m.sha() == null ? "" : m.sha(),
              Integer.toString(r.attempts())));
      if (!phase.measured()) {
        continue;
      }
      if (first == null) {
        first = phase;
      }
      if (r.sentMicros() > 0) {
        sent.add(r.sentMicros());
      }
      long[] legs = m.legs(r.sentMicros());
      if (legs != null) {
        reconciled.add(m.reconciled());
        legsByPhase.computeIfAbsent(phase, k -> new ArrayList<>()).add(legs);
      }
    }
    Files.write(dir.resolve("requests.csv"), lines);
    Files.write(dir.resolve("processes.csv"), sampler.processes());
    for (Map.Entry<Phase, List<long[]>> e : legsByPhase.entrySet()) {
      List<long[]> rows = e.getValue();
      if (e.getKey() == first) {
        for (int i = 0; i < Milestones.LEGS.length; i++) {
          int leg = i;
          latency.put(
              Milestones.LEGS[i] + " (" + first.name() + ")",
              rows.stream().mapToLong(l -> l[leg]).toArray());
        }
      }
      latency.put(
          Milestones.LEG_E2E + " (" + e.getKey().name() + ")",
          rows.stream().mapToLong(l -> java.util.Arrays.stream(l).sum()).toArray());
    }
    Map<Double, String> faults = new LinkedHashMap<>();
    if (monkey != null) {
      for (ChaosMonkey.Injected i : monkey.injected()) {
        faults.put((i.startMicros() - origin) / 1e6, i.fault().kind());
      }
    }
    try {
      Charts.throughput(
          dir.resolve("throughput.png"),
          Throughput.perSecond(origin, sent.stream().mapToLong(Long::longValue).toArray()),
          Throughput.perSecond(origin, reconciled.stream().mapToLong(Long::longValue).toArray()),
          faults);
      Charts.latency(dir.resolve("latency.png"), latency);
      Charts.memory(dir.resolve("memory.png"), sampler.rssTimeline(), origin);
    } catch (IOException | RuntimeException e) {
      System.out.println("[report] charts not drawn: " + e);
    }
  }

  private String checkout() {
    try {
      Process git =
          new ProcessBuilder(
                  "git", "-C", deployment.root().toString(), "describe", "--always", "--dirty")
              .redirectErrorStream(true)
              .start();
      String out = new String(git.getInputStream().readAllBytes()).trim();
      return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "unknown";
    } catch (IOException | InterruptedException e) {
      return "unknown";
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Prints where the load is every 5 seconds. */
  static final class Progress {
    private final StatusTracker tracker;
    private ScheduledExecutorService timer;

    Progress(StatusTracker tracker) {
      this.tracker = tracker;
    }

    synchronized void start(String phase, List<RequestRecord> records) {
      stop();
      long start = System.nanoTime();
      int[] lastDone = {0};
      long[] lastTime = {start};
      timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "bench-progress");
                t.setDaemon(true);
                return t;
              });
      timer.scheduleAtFixedRate(
          () -> {
            int sent = 0;
            int accepted = 0;
            int done = 0;
            for (RequestRecord r : records) {
              sent += r.sentMicros() > 0 ? 1 : 0;
              if (r.accepted()) {
                accepted++;
                if (tracker.reconciledAt(r.plan().key(), r.generation())) {
                  done++;
                }
              }
            }
            long now = System.nanoTime();
            double rate = (done - lastDone[0]) / ((now - lastTime[0]) / 1e9);
            lastDone[0] = done;
            lastTime[0] = now;
            int left = records.size() - done;
            String eta =
                rate > 0.5 ? String.format(Locale.ROOT, ", ~%.0f s left", left / rate) : "";
            System.out.printf(
                Locale.ROOT,
                "[%s] %4.0f s: sent %d/%d, accepted %d, reconciled %d (%.1f/s now%s)%n",
                phase,
                (now - start) / 1e9,
                sent,
                records.size(),
                accepted,
                done,
                rate,
                eta);
          },
          5,
          5,
          TimeUnit.SECONDS);
    }

    synchronized void stop() {
      if (timer != null) {
        timer.shutdownNow();
        timer = null;
      }
    }
  }

  private static final String IDLE_START = "idle-start";
  private static final String IDLE_END = "idle-end";

  /**
   * Each process's CPU with no load, between the warm-up and the measured load: what an instance
   * costs just by running (polls, heartbeats, timers), apart from what each request costs.
   */
  private void measureIdle(ProcessSampler sampler) throws InterruptedException {
    if (options.idleSeconds() == 0) {
      return;
    }
    System.out.printf("[idle] %d s with no load%n", options.idleSeconds());
    Thread.sleep(5_000); // the warm-up's last notifications, commits and JIT compiles settle first
    sampler.mark(IDLE_START);
    Thread.sleep(options.idleSeconds() * 1000L);
    sampler.mark(IDLE_END);
  }

  /**
   * One row per process (or instance) of {@code cpu}: CPU per request, and above its idle CPU over
   * the load's duration when {@code idle} measured it.
   */
  static List<BenchReport.ServiceUsage> usage(
      Map<String, double[]> cpu,
      Map<String, double[]> idle,
      double idleSeconds,
      Map<String, Double> rss,
      Map<String, Integer> starts,
      long reconciled,
      double loadSeconds) {
    List<BenchReport.ServiceUsage> rows = new ArrayList<>();
    for (Map.Entry<String, double[]> e : cpu.entrySet()) {
      double[] c = e.getValue();
      double used = c[0] + c[1];
      double[] quiet = idle.get(e.getKey());
      double idlePerSecond =
          quiet == null || idleSeconds <= 0 ? Double.NaN : (quiet[0] + quiet[1]) / idleSeconds;
      rows.add(
          new BenchReport.ServiceUsage(
              e.getKey(),
              c[0],
              c[1],
              reconciled == 0 ? Double.NaN : used * 1000 / reconciled,
              idlePerSecond * 1000,
              reconciled == 0
                  ? Double.NaN
                  : (used - idlePerSecond * loadSeconds) * 1000 / reconciled,
              rss.getOrDefault(e.getKey(), 0.0),
              starts.getOrDefault(e.getKey(), 0)));
    }
    return rows;
  }
}
