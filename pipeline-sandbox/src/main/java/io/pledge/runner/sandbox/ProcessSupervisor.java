package io.pledge.runner.sandbox;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Starts a process, keeps the tails of its output, and kills its tree on timeout, on cancel, or
 * when its watch finds it over a limit.
 */
final class ProcessSupervisor {

  private static final long POLL_MILLIS = 50;

  private final int maxLogBytes;

  ProcessSupervisor(int maxLogBytes) {
    this.maxLogBytes = maxLogBytes;
  }

  StageResult run(
      List<String> argv,
      Map<String, String> env,
      java.nio.file.Path directory,
      Duration timeout,
      BooleanSupplier cancelled) {
    return run(argv, env, directory, timeout, cancelled, process -> Optional.empty());
  }

  /**
   * @param watch looked at while the process runs (every {@value #POLL_MILLIS} ms): a limit it
   *     passed, in words, stops it
   */
  StageResult run(
      List<String> argv,
      Map<String, String> env,
      java.nio.file.Path directory,
      Duration timeout,
      BooleanSupplier cancelled,
      Function<ProcessHandle, Optional<String>> watch) {
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().clear();
    builder.environment().putAll(env);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    long started = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return StageResult.notStarted("cannot start " + argv.get(0) + ": " + e.getMessage());
    }
    TailBuffer stdout = new TailBuffer(maxLogBytes);
    TailBuffer stderr = new TailBuffer(maxLogBytes);
    Thread out = drainer(process.getInputStream(), stdout, "stage-stdout");
    Thread err = drainer(process.getErrorStream(), stderr, "stage-stderr");
    boolean timedOut = false;
    boolean stopped = false;
    String overLimit = null;
    long deadline = started + timeout.toNanos();
    try {
      while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (System.nanoTime() >= deadline) {
          timedOut = true;
          break;
        }
        if (cancelled.getAsBoolean()) {
          stopped = true;
          break;
        }
        overLimit = watch.apply(process.toHandle()).orElse(null);
        if (overLimit != null) {
          break;
        }
      }
    } catch (InterruptedException e) {
      stopped = true;
      Thread.currentThread().interrupt();
    }
    boolean killed = timedOut || stopped || overLimit != null;
    if (killed) {
      killTree(process);
    }
    joinQuietly(out);
    joinQuietly(err);
    Integer exit = killed ? null : process.exitValue();
    return new StageResult(
        exit,
        timedOut,
        stopped,
        stdout.text(),
        stderr.text(),
        stdout.truncated() || stderr.truncated(),
        Duration.ofNanos(System.nanoTime() - started),
        null,
        overLimit);
  }

  /**
   * Kills every descendant first so none is re-parented and survives, then the process. The
   * process's own children go first: in a sandbox that is bwrap's init, pid 1 of the stage's pid
   * namespace, whose death makes the kernel kill everything in the namespace at once, processes
   * forked after the list of descendants was read (a fork bomb's) included.
   */
  static void killTree(Process process) {
    process.children().forEach(ProcessHandle::destroyForcibly);
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread drainer(java.io.InputStream in, TailBuffer buffer, String name) {
    Thread t = new Thread(() -> buffer.drain(in), name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void joinQuietly(Thread t) {
    try {
      // A grandchild that escaped the kill could hold the pipe open; never wait forever.
      t.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
