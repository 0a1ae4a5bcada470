package io.pledge.testkit.oci;

import io.pledge.testkit.process.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * A real OCI registry for tests: Debian's {@code docker-registry} (the CNCF distribution server) on
 * a free loopback port, storing under a folder of the test's, optionally behind htpasswd basic auth
 * (which clients reach through the same token-less 401 challenge Docker Hub answers with). Its
 * access log tells how many times a blob was fetched.
 */
public final class OciRegistry implements AutoCloseable {

  /** Where Debian installs the distribution server. */
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");

  private static final Pattern BLOB_GET =
      Pattern.compile("GET /v2/[^ \"]+/blobs/sha256:[a-f0-9]{64}");

  private final Path dir;
  private final int port;
  private final Process process;

  private OciRegistry(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  private static OciRegistry shared;

  /**
   * One open registry for the whole test JVM (started on first use, stopped at exit), so test
   * classes share the images they build.
   */
  public static synchronized OciRegistry shared() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("pledge-test-registry");
        shared = start(dir);
        OciRegistry registry = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(registry::close));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /** Starts an open registry storing under {@code dir}. */
  public static OciRegistry start(Path dir) {
    return start(dir, null, null);
  }

  /** Starts a registry that asks for {@code user}/{@code password} (both null: open). */
  public static OciRegistry start(Path dir, String user, String password) {
    return start(dir, FreePorts.take(), user, password);
  }

  /** Starts on a given port (to restart a registry where clients expect it). */
  public static OciRegistry start(Path dir, int port, String user, String password) {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is missing: apt-get install -y docker-registry (.ci/run installs it)");
    }
    try {
      Files.createDirectories(dir.resolve("data"));
      StringBuilder config = new StringBuilder();
      config.append("version: 0.1\n");
      config.append("log:\n  level: info\n  accesslog:\n    disabled: false\n");
      config
          .append("storage:\n  filesystem:\n    rootdirectory: ")
          .append(dir.resolve("data"))
          .append("\n  delete:\n    enabled: true\n");
      config.append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
      if (user != null) {
        Path htpasswd = dir.resolve("htpasswd");
        Files.writeString(htpasswd, user + ":" + BCrypt.hashpw(password, BCrypt.gensalt(4)) + "\n");
        config
            .append("auth:\n  htpasswd:\n    realm: pledge-test\n    path: ")
            .append(htpasswd)
            .append('\n');
      }
      Path file = dir.resolve("config.yml");
      Files.writeString(file, config.toString());
      Process process =
          new ProcessBuilder(BINARY.toString(), "serve", file.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("registry.log").toFile())
              .start();
      OciRegistry registry = new OciRegistry(dir, port, process);
      registry.awaitReady(Duration.ofSeconds(20));
      return registry;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the test registry", e);
    }
  }

  /** {@code 127.0.0.1:port}, the registry part of image references. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:port/<name>}. */
  public String reference(String name) {
    return host() + "/" + name;
  }

  /** How many blob downloads (GET of a blob) the registry served so far. */
  public int blobFetches() {
    try {
      Matcher m = BLOB_GET.matcher(Files.readString(dir.resolve("registry.log")));
      int n = 0;
      while (m.find()) {
        n++;
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the registry (its data stays, so it can be started again on the same port). */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the test registry exited; see " + dir.resolve("registry.log"));
      }
      try {
        HttpURLConnection c =
            (HttpURLConnection) URI.create("http://" + host() + "/v2/").toURL().openConnection();
        c.setConnectTimeout(500);
        int status = c.getResponseCode();
        c.disconnect();
        if (status == 200 || status == 401) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    close();
    throw new IllegalStateException("the test registry did not answer within " + timeout);
  }
}
