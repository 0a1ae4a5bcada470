package io.pledge.e2e;

import io.pledge.testkit.process.PackagedService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several packaged instances of each of the four services, started with the environment {@code
 * deploy/local/lib.sh}'s {@code instance_env} gives instance {@code <service>-<i>}: its own HTTP
 * port, {@code PLEDGE_INSTANCE_ID}, and its own local state (the intake's Streams state dir, the
 * runner's and the writer's work dirs, the notifier's transactional id) under one PLEDGE_HOME.
 */
final class PledgeReplicas implements AutoCloseable {

  static final List<String> SERVICES =
      List.of("request-intake", "pipeline-runner", "state-writer", "notifier");

  private final Path root;
  private final Path home;
  private final Path logs;
  private final Map<String, String> common;
  private final Map<String, List<PackagedService>> instances = new LinkedHashMap<>();

  /**
   * @param common the environment every instance gets (broker, PLEDGE_HOME, webhooks, ...)
   */
  PledgeReplicas(Path root, Path home, Path logs, Map<String, String> common) {
    this.root = root;
    this.home = home;
    this.logs = logs;
    this.common = Map.copyOf(common);
  }

  /** Starts {@code count} instances of every service at once, then waits for all of them. */
  PledgeReplicas start(int count, Duration ready) {
    List<PackagedService> started = new ArrayList<>();
    for (String service : SERVICES) {
      for (int i = 0; i < count; i++) {
        started.add(launch(service));
      }
    }
    started.forEach(s -> s.awaitReady(ready));
    return this;
  }

  /** One more instance of {@code service}, started and ready: its group rebalances. */
  PackagedService add(String service, Duration ready) {
    PackagedService instance = launch(service);
    instance.awaitReady(ready);
    return instance;
  }

  /** Instance {@code i} (1-based) of {@code service}. */
  PackagedService instance(String service, int i) {
    return instances.get(service).get(i - 1);
  }

  /** The instances of {@code service} still running. */
  List<PackagedService> alive(String service) {
    return instances.get(service).stream().filter(PackagedService::isAlive).toList();
  }

  private PackagedService launch(String service) {
    List<PackagedService> list = instances.computeIfAbsent(service, s -> new ArrayList<>());
    String name = service + "-" + (list.size() + 1);
    PackagedService instance = new PackagedService(root, service, name, logs);
    common.forEach(instance::env);
    instance.env("PLEDGE_INSTANCE_ID", name);
    switch (service) {
      case "request-intake" ->
          instance.env(
              "PLEDGE_INTAKE_RESOURCES_STATE_DIR", home.resolve("state/" + name).toString());
      case "pipeline-runner" ->
          instance.env("PLEDGE_RUNNER_WORK_DIR", home.resolve(name).toString());
      case "state-writer" -> instance.env("PLEDGE_WRITER_WORK_DIR", home.resolve(name).toString());
      case "notifier" -> instance.env("PLEDGE_NOTIFIER_KAFKA_INSTANCE_ID", name);
      default -> throw new IllegalArgumentException(service);
    }
    list.add(instance);
    return instance.start();
  }

  @Override
  public void close() {
    // In parallel: each waits for its own graceful shutdown.
    instances.values().stream().flatMap(List::stream).toList().parallelStream()
        .forEach(PackagedService::close);
  }
}
