package io.pledge.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Pledge service run from its packaged {@code target/quarkus-app/quarkus-run.jar} as a separate
 * JVM, as it runs in production: for end-to-end tests, benchmarks and crash tests.
 */
public final class PackagedService implements AutoCloseable {

  private final String name;
  private final Path jar;
  private final Path log;
  private final int port;
  private final Map<String, String> env = new LinkedHashMap<>();
  private Process process;
  private long logStart;

  /**
   * @param root the checkout root
   * @param module the service module, e.g. {@code state-writer}
   * @param logDir where its output goes, as {@code <module>.log}
   */
  public PackagedService(Path root, String module, Path logDir) {
    this(root, module, module, logDir);
  }

  /**
   * One of several instances of a service: its output goes to {@code <instance>.log}, so two
   * instances of one module do not write into one file.
   *
   * @param instance the instance's name, e.g. {@code state-writer-2}
   */
  public PackagedService(Path root, String module, String instance, Path logDir) {
    this.name = instance;
    this.jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    this.log = logDir.resolve(instance + ".log");
    this.port = FreePorts.take();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: package the services first");
    }
  }

  public PackagedService env(String key, String value) {
    env.put(key, value);
    return this;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  /** Starts the JVM; {@link #awaitReady(Duration)} waits for its readiness check. */
  public PackagedService start() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.add("-Xmx256m");
    command.add("-Dquarkus.analytics.disabled=true");
    command.add("-jar");
    command.add(jar.toString());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      Files.createDirectories(log.getParent());
      logStart = Files.isRegularFile(log) ? Files.size(log) : 0;
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /**
   * Waits until {@code /q/health/ready} answers 200 and this start's own log says it listens on the
   * port: a readiness answer alone may come from another process that got the port first.
   */
  public void awaitReady(Duration timeout) {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready")).build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + "; see " + log);
      }
      try {
        if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200
            && listensOnItsPort()) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(200);
    }
    throw new IllegalStateException(name + " not ready after " + timeout + "; see " + log);
  }

  /** SIGKILL: the service dies at once, as in a crash. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      waitFor();
    }
  }

  /** SIGTERM, waiting for a graceful shutdown. */
  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      waitFor();
    }
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  private boolean listensOnItsPort() throws IOException {
    String own = logSinceStart();
    return own.contains("Listening on: ") && own.contains(":" + port);
  }

  /** What this start wrote to the log (the file keeps earlier starts' lines too). */
  public String logSinceStart() throws IOException {
    String output = Files.readString(log, StandardCharsets.ISO_8859_1);
    return output.substring((int) Math.min(logStart, output.length()));
  }

  private void waitFor() {
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
