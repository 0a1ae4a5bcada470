package io.pledge.bench.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The embedded deployment the run started with {@code deploy/local/up} under its own {@code
 * PLEDGE_HOME}: where things are, and the levers chaos pulls (kill a process, start what is not
 * running, make the Git remote refuse pushes, make the stubs fail). Everything it knows comes from
 * the environment {@code bench/run} exports.
 */
public final class Deployment {

  private final Path root;
  private final Path home;
  private final String bootstrap;
  private final URI intake;
  private final URI stubs;
  private final Path resultsDir;
  private final Map<String, URI> services;
  private final List<URI> intakes;
  private final HttpClient http = HttpClient.newHttpClient();
  private int upRuns;
  private volatile Path heldLock;

  /**
   * The instances of each service that {@link #up} starts and waits for ({@code PLEDGE_REPLICAS}):
   * the run's count until a {@code kill-one} leaves the last instance down, then one fewer.
   */
  private volatile int upReplicas;

  public Deployment(
      Path root, Path home, String bootstrap, URI intake, URI stubs, Path resultsDir) {
    this(root, home, bootstrap, intake, stubs, resultsDir, Map.of("request-intake", intake));
  }

  public Deployment(
      Path root,
      Path home,
      String bootstrap,
      URI intake,
      URI stubs,
      Path resultsDir,
      Map<String, URI> services) {
    this(root, home, bootstrap, List.of(intake), stubs, resultsDir, services);
  }

  /**
   * @param intakes every intake instance's base URI, instance 1 first
   */
  public Deployment(
      Path root,
      Path home,
      String bootstrap,
      List<URI> intakes,
      URI stubs,
      Path resultsDir,
      Map<String, URI> services) {
    URI intake = intakes.get(0);
    this.intakes = List.copyOf(intakes);
    this.upReplicas = intakes.size();
    this.services = Map.copyOf(services);
    this.root = root;
    this.home = home;
    this.bootstrap = bootstrap;
    this.intake = intake;
    this.stubs = stubs;
    this.resultsDir = resultsDir;
  }

  /** From the variables bench/run exports (and deploy/local/lib.sh's defaults). */
  public static Deployment fromEnvironment(Map<String, String> env) {
    Path root = Path.of(require(env, "PLEDGE_ROOT"));
    Path home = Path.of(require(env, "PLEDGE_HOME"));
    String bootstrap =
        env.getOrDefault(
            "KAFKA_BOOTSTRAP_SERVERS",
            "127.0.0.1:" + env.getOrDefault("PLEDGE_KAFKA_PORT", "9092"));
    URI intake = URI.create("http://127.0.0.1:" + env.getOrDefault("PLEDGE_INTAKE_PORT", "8080"));
    URI stubs = URI.create("http://127.0.0.1:" + env.getOrDefault("PLEDGE_STUB_HTTP_PORT", "8089"));
    Path results = Path.of(env.getOrDefault("BENCH_RUN_DIR", home.getParent().toString()));
    Map<String, URI> services =
        Map.of(
            "request-intake", intake,
            "pipeline-runner", local(env.getOrDefault("PLEDGE_RUNNER_PORT", "8081")),
            "state-writer", local(env.getOrDefault("PLEDGE_WRITER_PORT", "8082")),
            "notifier", local(env.getOrDefault("PLEDGE_NOTIFIER_PORT", "8083")));
    int replicas = Integer.parseInt(env.getOrDefault("PLEDGE_REPLICAS", "1"));
    return new Deployment(
        root, home, bootstrap, instanceUris(intake, replicas), stubs, results, services);
  }

  /**
   * The base URIs of {@code replicas} instances of a service whose first instance is {@code first}:
   * instance i listens on the first's port + 100 × (i − 1) (deploy/local/lib.sh).
   */
  public static List<URI> instanceUris(URI first, int replicas) {
    List<URI> uris = new java.util.ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      uris.add(URI.create("http://" + first.getHost() + ":" + (first.getPort() + 100 * i)));
    }
    return List.copyOf(uris);
  }

  private static URI local(String port) {
    return URI.create("http://127.0.0.1:" + port);
  }

  private static String require(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(name + " is not set: start the harness with bench/run");
    }
    return value;
  }

  public Path root() {
    return root;
  }

  public Path home() {
    return home;
  }

  public String bootstrap() {
    return bootstrap;
  }

  public URI intake() {
    return intake;
  }

  /** Every intake instance's base URI, instance 1 first. */
  public List<URI> intakes() {
    return intakes;
  }

  /** The instances of each service the run started with ({@code PLEDGE_REPLICAS}). */
  public int replicas() {
    return intakes.size();
  }

  public Path resultsDir() {
    return resultsDir;
  }

  /** The bare repository of the GitStateStore (deploy/local/up creates it). */
  public Path stateStore() {
    return home.resolve("state-store.git");
  }

  public Path inbox() {
    return home.resolve("inbox");
  }

  public Path runDir() {
    return home.resolve("run");
  }

  public String adminToken() throws IOException {
    return Files.readString(home.resolve("admin.token")).trim();
  }

  /** Where {@code service} answers HTTP (its {@code /q/health/ready}), if known. */
  public Optional<URI> service(String service) {
    return Optional.ofNullable(services.get(service));
  }

  /**
   * The live process recorded for {@code name} ({@code kafka}, a service, or one instance {@code
   * <service>-<i>}): the first alive of its pid files ({@link PidFiles}).
   */
  public Optional<ProcessHandle> process(String name) {
    return processes(name).stream().findFirst();
  }

  /**
   * Every live instance of {@code name}, from {@code run/<name>.pid} and {@code
   * run/<name>-<i>.pid}.
   */
  public List<ProcessHandle> processes(String name) {
    return PidFiles.find(runDir(), name).values().stream()
        .map(ProcessHandle::of)
        .flatMap(Optional::stream)
        .filter(ProcessHandle::isAlive)
        .toList();
  }

  /** The processes deploy/local/up starts; each must be alive while the load runs. */
  public static final List<String> PROCESSES =
      List.of(
          "kafka",
          "stub-receivers",
          "request-intake",
          "pipeline-runner",
          "state-writer",
          "notifier");

  /** The processes that are not running (a failed start, a crash), with where their log is. */
  public List<String> dead() {
    return PROCESSES.stream()
        .filter(name -> process(name).isEmpty())
        .map(name -> name + " (see " + log(name) + ")")
        .toList();
  }

  /**
   * The log of {@code name}'s first instance: {@code logs/<service>-1.log} for a service that
   * deploy/local/up started ({@code run/<service>-1.pid}), else {@code logs/<name>.log}.
   */
  public Path log(String name) {
    String instance = PidFiles.find(runDir(), name).keySet().stream().findFirst().orElse(name);
    return home.resolve("logs").resolve(instance + ".log");
  }

  /**
   * Kills {@code name}, every instance of it ({@link PidFiles}): SIGKILL, or SIGTERM when {@code
   * graceful} (then SIGKILL after 30 s). Waits until it is gone. Each instance's log is moved to
   * {@code <instance>.log.<n>}, so the restarted process's log starts empty.
   */
  public void kill(String name, boolean graceful) throws InterruptedException {
    Map<String, Long> instances = PidFiles.find(runDir(), name);
    for (Map.Entry<String, Long> instance : instances.entrySet()) {
      Optional<ProcessHandle> process =
          ProcessHandle.of(instance.getValue()).filter(ProcessHandle::isAlive);
      if (process.isPresent()) {
        killOne(instance.getKey(), process.get(), graceful);
      }
    }
  }

  private void killOne(String name, ProcessHandle p, boolean graceful) {
    if (graceful) {
      p.destroy();
      try {
        p.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
      }
    } else {
      p.destroyForcibly();
    }
    awaitDeath(name, p);
    keepLog(name);
  }

  private static void awaitDeath(String name, ProcessHandle p) {
    try {
      p.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(name + " (pid " + p.pid() + ") did not die", e);
    }
  }

  private void keepLog(String name) {
    Path log = home.resolve("logs").resolve(name + ".log");
    if (!Files.exists(log)) {
      return;
    }
    for (int n = 1; n < 1000; n++) {
      Path kept = home.resolve("logs").resolve(name + ".log." + n);
      if (!Files.exists(kept)) {
        try {
          Files.move(log, kept, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          // The log stays where it is; the restart overwrites it.
        }
        return;
      }
    }
  }

  /** The live instance of {@code service} with the highest number ({@code state-writer-2}). */
  public Optional<String> lastInstance(String service) {
    String last = null;
    for (Map.Entry<String, Long> e : PidFiles.find(runDir(), service).entrySet()) {
      if (ProcessHandle.of(e.getValue()).map(ProcessHandle::isAlive).orElse(false)) {
        last = e.getKey();
      }
    }
    return Optional.ofNullable(last);
  }

  /**
   * SIGKILLs one instance ({@code <service>-<i>}) for good: from now on {@link #up} starts and
   * waits for instances 1 to i − 1 only, so no later restart brings it back. Its log stays where it
   * is. Waits until it is gone.
   */
  public void killForGood(String instance) {
    long pid = PidFiles.find(runDir(), PidFiles.service(instance)).getOrDefault(instance, -1L);
    ProcessHandle p =
        ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            .orElseThrow(() -> new IllegalStateException(instance + " is not running"));
    int index = Integer.parseInt(instance.substring(instance.lastIndexOf('-') + 1));
    upReplicas = Math.min(upReplicas, index - 1);
    p.destroyForcibly();
    awaitDeath(instance, p);
  }

  /**
   * Runs {@code deploy/local/up}, which starts whatever is not running and waits until every
   * service is ready. Its output goes to {@code up-<n>.log} in the results folder.
   */
  public void up() throws IOException, InterruptedException {
    Path log = resultsDir.resolve("up-" + (++upRuns) + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(root.resolve("deploy/local/up").toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("PLEDGE_REPLICAS", Integer.toString(Math.max(1, upReplicas)));
    Process up = builder.start();
    if (!up.waitFor(10, TimeUnit.MINUTES)) {
      up.destroy();
      throw new IOException("deploy/local/up did not finish in 10 minutes (see " + log + ")");
    }
    if (up.exitValue() != 0) {
      throw new IOException("deploy/local/up failed with " + up.exitValue() + " (see " + log + ")");
    }
  }

  /** Makes POSTs to the stubs {@code names} answer 503 for {@code duration}. */
  public void failStubs(List<String> names, Duration duration)
      throws IOException, InterruptedException {
    String body =
        "{\"names\": ["
            + String.join(", ", names.stream().map(n -> "\"" + n + "\"").toList())
            + "], \"seconds\": "
            + duration.toMillis() / 1000.0
            + ", \"status\": 503}";
    control("fail", body);
  }

  public void recoverStubs() throws IOException, InterruptedException {
    control("recover", "{}");
  }

  private void control(String action, String body) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(stubs.resolve("/_control/" + action))
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("stub control " + action + " answered " + response.statusCode());
    }
  }

  /**
   * Makes the state store refuse pushes: holds the branch's ref lock ({@code
   * refs/heads/main.lock}), as a server with a stuck update would. Fetches still work; every push
   * fails with a lock error until {@link #allowPushes}. Waits while a push holds the lock itself.
   */
  public void refusePushes(String branch) throws InterruptedException {
    Path lock = stateStore().resolve("refs/heads/" + branch + ".lock");
    for (int i = 0; i < 200; i++) {
      try {
        Files.createFile(lock);
        heldLock = lock;
        return;
      } catch (FileAlreadyExistsException e) {
        Thread.sleep(25);
      } catch (IOException e) {
        throw new IllegalStateException("cannot lock " + lock, e);
      }
    }
    throw new IllegalStateException(lock + " stayed locked by a push for 5 s");
  }

  /** What {@link #killInsidePush} saw: whether the killed service left the branch's lock behind. */
  public record PushKill(boolean killed, boolean lockLeft) {}

  /**
   * Kills {@code name} with SIGKILL while it holds the branch's ref lock in the state store, as a
   * crash in the middle of a push would. To make that moment last, the branch's reflog in the bare
   * repository is swapped for a named pipe (with {@code core.logAllRefUpdates} on): Git writes the
   * reflog after it took {@code refs/heads/<branch>.lock}, so the next push blocks there, lock
   * held, until the kill. The lock's appearance is seen through inotify (the JDK's Linux {@code
   * WatchService}). The pipe and the setting are undone afterwards; the lock is left for the
   * restarted writer to recover from. Gives up after {@code timeout} without a push (nothing
   * killed).
   */
  public PushKill killInsidePush(String name, String branch, Duration timeout)
      throws IOException, InterruptedException {
    ProcessHandle p =
        process(name).orElseThrow(() -> new IllegalStateException(name + " is not running"));
    Path refs = stateStore().resolve("refs/heads");
    Path lock = refs.resolve(branch + ".lock");
    try (WatchService watch = refs.getFileSystem().newWatchService();
        ReflogPipe pipe = ReflogPipe.install(stateStore(), branch)) {
      refs.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (Files.exists(lock)) {
          p.destroyForcibly();
          awaitDeath(name, p);
          keepLog(name);
          return new PushKill(true, Files.exists(lock));
        }
        WatchKey key =
            watch.poll(Math.min(deadline - System.nanoTime(), 200_000_000L), TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    }
    return new PushKill(false, false);
  }

  /**
   * Releases the lock {@link #refusePushes} took, and only that one: a lock a killed writer left
   * behind is the writer's to recover from (the {@code push-kill} fault checks that it does).
   */
  public void allowPushes() throws IOException {
    Path lock = heldLock;
    if (lock != null) {
      Files.deleteIfExists(lock);
      heldLock = null;
    }
  }
}
