package io.pledge.testkit.kubernetes;

import io.pledge.testkit.process.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Kubernetes control plane (etcd, kube-apiserver 1.20.2, kube-controller-manager) started by
 * {@code deploy/kubernetes/test-cluster/up} in a folder and on ports of its own, and stopped and
 * wiped on {@link #close()}. The binaries are built once into a cache outside the checkout ({@code
 * deploy/kubernetes/test-cluster/build}); when they cannot be built the start fails, it is never
 * skipped. Tests that use it carry the JUnit tag {@value #TAG}.
 *
 * <p>Talks to the cluster with {@code kubectl}, as a user would: the tests check what the real API
 * server accepts, stores and garbage-collects.
 */
public final class TestCluster implements AutoCloseable {

  /** The JUnit tag of the tests on a real API server: {@code -DexcludedGroups=real-kubernetes}. */
  public static final String TAG = "real-kubernetes";

  private static final Duration COMMAND = Duration.ofMinutes(15); // up builds on a first run

  private final Path root;
  private final Path dir;
  private final int port;
  private final Map<String, String> env;

  private TestCluster(Path root, Path dir, int port, Map<String, String> env) {
    this.root = root;
    this.dir = dir;
    this.port = port;
    this.env = env;
  }

  /** Starts a cluster for the checkout at {@code root}, in a temporary folder. */
  public static TestCluster start(Path root) {
    try {
      Path dir = Files.createTempDirectory("pledge-test-cluster");
      int port = FreePorts.take();
      Map<String, String> env =
          Map.of(
              "PLEDGE_KUBE_DIR", dir.toString(),
              "PLEDGE_KUBE_PORT", Integer.toString(port),
              "PLEDGE_ETCD_PORT", Integer.toString(FreePorts.take()),
              "PLEDGE_ETCD_PEER_PORT", Integer.toString(FreePorts.take()));
      TestCluster cluster = new TestCluster(root, dir, port, env);
      cluster.script("up");
      return cluster;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The API server's URL. */
  public String server() {
    return "https://127.0.0.1:" + port;
  }

  /** The cluster's CA certificate (PEM), which signed the API server's certificate. */
  public String caCertificate() {
    return read(dir.resolve("ca.crt"));
  }

  /** A kubeconfig of user {@code admin}, group {@code system:masters}. */
  public Path adminKubeconfig() {
    return dir.resolve("admin.kubeconfig");
  }

  /** The folder with the cluster's logs, certificates and kubeconfigs. */
  public Path dir() {
    return dir;
  }

  /** {@code kubectl} as the admin; fails with its output unless it exits 0. */
  public String kubectl(String... args) {
    return kubectlAs(adminKubeconfig(), args);
  }

  /** {@code kubectl} with {@code kubeconfig}; fails with its output unless it exits 0. */
  public String kubectlAs(Path kubeconfig, String... args) {
    Result result = tryKubectlAs(kubeconfig, args);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "kubectl " + String.join(" ", args) + " exited " + result.exitCode() + ": " + result);
    }
    return result.stdout();
  }

  /** {@code kubectl} as the admin, whatever its exit code. */
  public Result tryKubectl(String... args) {
    return tryKubectlAs(adminKubeconfig(), args);
  }

  /** {@code kubectl} with {@code kubeconfig}, whatever its exit code. */
  public Result tryKubectlAs(Path kubeconfig, String... args) {
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    return run(command, Map.of(), Duration.ofMinutes(2));
  }

  /**
   * A kubeconfig with the token the controller manager gave ServiceAccount {@code name} in {@code
   * namespace} (its default namespace is {@code namespace}): a process using it can do exactly what
   * the account's RBAC grants.
   */
  public Path serviceAccountKubeconfig(String namespace, String name) {
    String token = serviceAccountToken(namespace, name);
    Path kubeconfig = dir.resolve("sa-" + namespace + "-" + name + ".kubeconfig");
    write(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: pledge-test
            cluster:
              server: %s
              certificate-authority-data: %s
        users:
          - name: %s
            user:
              token: %s
        contexts:
          - name: pledge-test
            context: {cluster: pledge-test, user: %s, namespace: %s}
        current-context: pledge-test
        """
            .formatted(
                server(),
                Base64.getEncoder()
                    .encodeToString(caCertificate().getBytes(StandardCharsets.UTF_8)),
                name,
                token,
                name,
                namespace));
    return kubeconfig;
  }

  /** The token of ServiceAccount {@code name} in {@code namespace}, once the controller made it. */
  public String serviceAccountToken(String namespace, String name) {
    String secret = "";
    Instant deadline = Instant.now().plusSeconds(60);
    while (secret.isEmpty()) {
      secret =
          tryKubectl(
                  "-n",
                  namespace,
                  "get",
                  "serviceaccount",
                  name,
                  "-o",
                  "jsonpath={.secrets[0].name}")
              .stdout()
              .trim();
      if (secret.isEmpty()) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "ServiceAccount " + namespace + "/" + name + " has no token");
        }
        sleep(Duration.ofMillis(250));
      }
    }
    String encoded =
        kubectl("-n", namespace, "get", "secret", secret, "-o", "jsonpath={.data.token}").trim();
    return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
  }

  /** The last {@code lines} lines of a control-plane process's log, for a failure's message. */
  public String logTail(String process, int lines) {
    List<String> all = List.of(read(dir.resolve("logs/" + process + ".log")).split("\n"));
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /**
   * Kills kube-apiserver (SIGKILL: a graceful stop waits for watches to drain) and starts it again
   * on the same etcd: every watch breaks, and the new server's watch cache begins at the current
   * revision, so a client that resumes an older watch gets 410 Gone.
   */
  public void restartApiServer() {
    Path pidFile = dir.resolve("run/kube-apiserver.pid");
    long pid = Long.parseLong(read(pidFile).trim());
    ProcessHandle.of(pid)
        .ifPresent(
            p -> {
              p.destroyForcibly();
              p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
    script("up");
  }

  @Override
  public void close() {
    script("down", "--wipe");
  }

  private void script(String name, String... args) {
    List<String> command = new ArrayList<>();
    command.add(root.resolve("deploy/kubernetes/test-cluster/" + name).toString());
    command.addAll(List.of(args));
    Result result = run(command, env, COMMAND);
    if (result.exitCode() != 0) {
      throw new IllegalStateException("test-cluster/" + name + " failed: " + result);
    }
  }

  private static Result run(List<String> command, Map<String, String> env, Duration timeout) {
    try {
      Path out = Files.createTempFile("pledge-cmd", ".out");
      Path err = Files.createTempFile("pledge-cmd", ".err");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(command + " did not finish within " + timeout);
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What a command printed and how it exited. */
  public record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n" + stdout + stderr;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
