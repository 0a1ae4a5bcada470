package io.pledge.kafka.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class VitalThreadsTest {

  private final VitalThreads threads = new VitalThreads();

  @Test
  void anErrorEscapingTheLoopIsADeath() throws InterruptedException {
    Thread thread =
        threads.start(
            "view",
            () -> {
              throw new OutOfMemoryError("Java heap space");
            });
    thread.join();

    assertThat(threads.deaths()).containsOnlyKeys("view");
    assertThat(threads.deaths().get("view")).contains("OutOfMemoryError");
  }

  @Test
  void aLoopThatEndsWithoutBeingStoppedIsADeath() throws InterruptedException {
    threads.start("view", () -> {}).join();

    assertThat(threads.deaths()).containsEntry("view", "ended without being stopped");
  }

  @Test
  void aThreadStoppedOnPurposeIsNoDeath() throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    Thread thread = threads.start("view", () -> awaitQuietly(stop));

    threads.stopping(thread);
    stop.countDown();
    thread.join();

    assertThat(threads.deaths()).isEmpty();
  }

  @Test
  void healthIsDownNamingTheDeadThread() throws InterruptedException {
    VitalThreadsHealthCheck health = new VitalThreadsHealthCheck(threads);
    assertThat(health.call().getStatus().name()).isEqualTo("UP");

    threads
        .start(
            "request-intake-view-replay",
            () -> {
              throw new IllegalStateException("boom");
            })
        .join();

    assertThat(health.call().getStatus().name()).isEqualTo("DOWN");
    assertThat(health.call().getData().orElseThrow()).containsKey("request-intake-view-replay");
  }

  @Test
  void healthListsTheThreadsThatRun() throws InterruptedException {
    VitalThreadsHealthCheck health = new VitalThreadsHealthCheck(threads);
    CountDownLatch stop = new CountDownLatch(1);
    Thread thread = threads.start("promise-table", () -> awaitQuietly(stop));

    assertThat(health.call().getData().orElseThrow()).containsEntry("promise-table", "alive");

    threads.stopping(thread);
    stop.countDown();
    thread.join();
    assertThat(health.call().getStatus().name()).isEqualTo("UP");
    assertThat(health.call().getData()).isEmpty();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
