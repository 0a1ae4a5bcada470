package io.pledge.bench.history;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.bench.BenchOptions;
import io.pledge.bench.deploy.Deployment;
import io.pledge.bench.load.IntakeClient;
import io.pledge.bench.report.BenchReport;
import io.pledge.contract.Topics;
import io.pledge.contract.event.EventCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * {@code --history N}: pre-loads the past of N resources, waits until intake's view has it, then
 * stops (SIGTERM) and starts each service in turn and times it from its process start to {@code
 * /q/health/ready} answering 200: the start-up cost of a long history.
 *
 * <p>pipeline-runner and notifier are stopped while the past is written and their consumer groups
 * moved past it afterwards, as if they had processed it when it happened: otherwise the runner
 * would run N pipelines and the notifier decide N notifications now.
 */
public final class HistoryRun {

  /** The runner's group on {@code pledge.requests} and the notifier's on {@code pledge.status}. */
  static final Map<String, String> ACTING_GROUPS =
      Map.of("pipeline-runner", "pledge-pipeline-runner", "notifier", "pledge-notifier");

  private static final Duration READY_TIMEOUT = Duration.ofMinutes(20);

  private final Deployment deployment;
  private final IntakeClient intake;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  public HistoryRun(Deployment deployment, IntakeClient intake) {
    this.deployment = deployment;
    this.intake = intake;
  }

  public BenchReport.HistoryReport run(int resources, int payloadBytes) throws Exception {
    Map<String, Long> expected = HistoryPlan.expectedCounts(resources);
    System.out.printf(
        Locale.ROOT,
        "[history] pre-loading %d resources in namespace %s: %s%n",
        resources,
        HistoryPlan.NAMESPACE,
        expected);
    try (HistoryWriter writer = new HistoryWriter(deployment.bootstrap())) {
      for (String service : ACTING_GROUPS.keySet()) {
        deployment.kill(service, true);
      }
      HistoryWriter.Written written = writer.write(resources, payloadBytes);
      System.out.printf(
          Locale.ROOT,
          "[history] wrote %d records (%.1f MB) in %.1f s: %.0f records/s%n",
          written.records(),
          written.bytes() / 1e6,
          written.seconds(),
          written.recordsPerSecond());
      ACTING_GROUPS.forEach(
          (service, group) -> {
            String topic = "notifier".equals(service) ? Topics.STATUS : Topics.REQUESTS;
            try {
              writer.skipToEnd(group, topic, Duration.ofMinutes(2));
            } catch (InterruptedException | ExecutionException e) {
              throw new IllegalStateException("cannot move " + group + " past the history", e);
            }
          });
      long t0 = System.nanoTime();
      startMissing();
      for (String service : ACTING_GROUPS.keySet()) {
        awaitReady(service);
      }
      awaitIntakeView(written.lastStatusKeyByPartition());
      System.out.printf(
          Locale.ROOT,
          "[history] intake's view has them (%.1f s after the writing ended)%n",
          (System.nanoTime() - t0) / 1e9);

      List<BenchReport.Restart> restarts = new ArrayList<>();
      for (String service : BenchOptions.ALL_SERVICES) {
        BenchReport.Restart r = restart(service);
        System.out.printf(
            Locale.ROOT,
            "[history] %-15s stopped in %.1f s, ready %.1f s after its start%n",
            service,
            r.stopSeconds(),
            r.readySeconds());
        restarts.add(r);
      }
      Map<String, Long> sizes = writer.topicSizes();
      System.out.println("[history] records on the topics: " + sizes);
      return new BenchReport.HistoryReport(
          resources,
          written.records(),
          written.bytes() / 1e6,
          written.seconds(),
          written.recordsPerSecond(),
          written.perTopic(),
          sizes,
          restarts);
    }
  }

  /**
   * SIGTERM, then start it again as chaos does ({@code deploy/local/up}), and time it: from the new
   * process's start (its {@code /proc} start time) to the first 200 of {@code /q/health/ready},
   * polled every 50 ms. {@code up}'s own work around the start is not counted.
   */
  BenchReport.Restart restart(String service) throws Exception {
    long stopBegan = System.nanoTime();
    deployment.kill(service, true);
    double stopSeconds = (System.nanoTime() - stopBegan) / 1e9;
    long upBegan = System.nanoTime();
    Thread up = new Thread(this::startMissing, "bench-history-up");
    up.setDaemon(true);
    up.start();
    Instant ready = awaitReady(service);
    ProcessHandle process =
        deployment
            .process(service)
            .orElseThrow(() -> new IllegalStateException(service + " is not running"));
    Instant started =
        process.info().startInstant().orElseThrow(() -> new IllegalStateException("no start time"));
    up.join(Duration.ofMinutes(5).toMillis());
    return new BenchReport.Restart(
        service,
        stopSeconds,
        Duration.between(started, ready).toMillis() / 1000.0,
        (System.nanoTime() - upBegan) / 1e9);
  }

  /**
   * Runs {@code deploy/local/up}, which starts what is not running; it gives up waiting for
   * readiness after 120 s, which a long replay may take: then the wait here goes on.
   */
  private void startMissing() {
    try {
      deployment.up();
    } catch (IOException e) {
      System.out.println("[history] " + e.getMessage() + "; waiting for readiness on our own");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Polls {@code /q/health/ready} of {@code service} until 200; the moment it answered. */
  Instant awaitReady(String service) throws InterruptedException {
    URI uri =
        deployment
            .service(service)
            .orElseThrow(() -> new IllegalStateException("no port known for " + service))
            .resolve("/q/health/ready");
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    for (int polls = 0; System.nanoTime() < deadline; polls++) {
      if (status(uri) == 200) {
        return Instant.now();
      }
      // A replay thread that died (e.g. OutOfMemoryError on a long history) turns liveness DOWN
      // and readiness never comes: say so now rather than after the timeout.
      if (polls % 20 == 19) {
        requireLive(service);
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        service + " not ready after " + READY_TIMEOUT.toMinutes() + " min");
  }

  private void requireLive(String service) throws InterruptedException {
    URI live = deployment.service(service).orElseThrow().resolve("/q/health/live");
    if (status(live) == 503) {
      throw new IllegalStateException(
          service
              + " is not live on the history: "
              + firstDeath(service)
              + " (see "
              + deployment.log(service)
              + "; PLEDGE_SERVICE_HEAP sets the services' heap)");
    }
  }

  private int status(URI uri) throws InterruptedException {
    try {
      return http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1; // not listening yet
    }
  }

  /** The first line of the service's log saying a vital thread died, if any. */
  private String firstDeath(String service) {
    try (var lines = java.nio.file.Files.lines(deployment.log(service))) {
      return lines
          .filter(l -> l.contains(" died"))
          .findFirst()
          .map(l -> l.substring(l.indexOf(')') + 1).trim())
          .orElse("liveness DOWN");
    } catch (IOException | java.io.UncheckedIOException e) {
      return "liveness DOWN";
    }
  }

  /**
   * Waits until intake shows, for every partition of {@code pledge.status}, the last resource
   * written there Reconciled at its last generation: then its view holds the whole history.
   */
  private void awaitIntakeView(Map<Integer, String> lastKeys) throws Exception {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    List<String> waiting = new ArrayList<>(lastKeys.values());
    while (!waiting.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("intake's view lacks " + waiting + " after 20 min");
      }
      String key = waiting.get(0);
      if (reconciled(key)) {
        waiting.remove(0);
      } else {
        requireLive("request-intake");
        Thread.sleep(500);
      }
    }
  }

  private boolean reconciled(String key) throws InterruptedException {
    String name = key.substring(key.lastIndexOf('/') + 1);
    long generation = HistoryPlan.generations(Integer.parseInt(name.substring(2)));
    try {
      HttpResponse<String> answer =
          intake.get(
              "/api/v1/resources/"
                  + HistoryPlan.NAMESPACE
                  + "/"
                  + HistoryPlan.PROMISE
                  + "/"
                  + name);
      if (answer.statusCode() != 200) {
        return false;
      }
      return reconciledAt(EventCodec.JSON.readTree(answer.body()), generation);
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether intake's answer shows the resource Reconciled at {@code generation}. */
  static boolean reconciledAt(JsonNode resource, long generation) {
    JsonNode status = resource.path("status");
    if (status.path("observedGeneration").asLong(-1) != generation) {
      return false;
    }
    for (JsonNode c : status.path("conditions")) {
      if ("Reconciled".equals(c.path("type").asText())
          && "True".equals(c.path("status").asText())) {
        return true;
      }
    }
    return false;
  }
}
