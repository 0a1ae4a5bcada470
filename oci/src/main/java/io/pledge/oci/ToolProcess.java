package io.pledge.oci;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs one containers-tool command to completion within a time limit. */
final class ToolProcess {

  /** What a finished command printed. */
  record Output(int exitCode, byte[] stdout, String stderr) {
    String stdoutText() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  private static final int MAX_STDOUT = 16 * 1024 * 1024;
  private static final int MAX_STDERR = 64 * 1024;

  private ToolProcess() {}

  /**
   * Runs {@code argv} with {@code extraEnv} added to this process's environment; the whole process
   * tree is killed when {@code timeout} passes.
   *
   * @throws ToolException (transient) on a time-out or when the binary cannot be started
   */
  static Output run(List<String> argv, Map<String, String> extraEnv, Path cwd, Duration timeout)
      throws ToolException {
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().putAll(extraEnv);
    if (cwd != null) {
      pb.directory(cwd.toFile());
    }
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      boolean missing = !Files.isExecutable(Path.of(argv.get(0)));
      throw new ToolException(
          "cannot run "
              + argv.get(0)
              + (missing
                  ? " (install it: apt-get install -y " + Path.of(argv.get(0)).getFileName() + ")"
                  : "")
              + ": "
              + e.getMessage(),
          false);
    }
    closeQuietly(process);
    CompletableFuture<byte[]> out = drain(process.getInputStream(), MAX_STDOUT);
    CompletableFuture<byte[]> err = drain(process.getErrorStream(), MAX_STDERR);
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new ToolException(
            Path.of(argv.get(0)).getFileName() + " did not finish within " + timeout, true);
      }
      return new Output(
          process.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8).trim());
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ToolException(Path.of(argv.get(0)).getFileName() + " was interrupted", true);
    }
  }

  private static void closeQuietly(Process process) {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // The tool reads no input; a failed close changes nothing.
    }
  }

  private static CompletableFuture<byte[]> drain(InputStream in, int max) {
    return CompletableFuture.supplyAsync(
        () -> {
          ByteArrayOutputStream buffer = new ByteArrayOutputStream();
          byte[] chunk = new byte[8192];
          try (in) {
            int n;
            while ((n = in.read(chunk)) >= 0) {
              // Keep the head only up to the bound; keep reading so the child never blocks.
              int room = max - buffer.size();
              if (room > 0) {
                buffer.write(chunk, 0, Math.min(n, room));
              }
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return buffer.toByteArray();
        },
        runnable -> {
          Thread t = new Thread(runnable, "containers-tool-output");
          t.setDaemon(true);
          t.start();
        });
  }
}
