package io.pledge.intake.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyLocksTest {

  private final KeyLocks locks = new KeyLocks(256);
  private final ExecutorService other = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    other.shutdownNow();
  }

  @Test
  void sharedHoldersRunSideBySide() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    boolean ran =
        locks.withLocks(
            List.of(),
            Set.of("Promise/p"),
            () -> {
              Future<Boolean> second =
                  other.submit(
                      () ->
                          locks.withLocks(
                              List.of("default/p/b"),
                              Set.of("Promise/p"),
                              () -> {
                                inside.countDown();
                                return true;
                              }));
              try {
                return inside.await(5, TimeUnit.SECONDS) && second.get(5, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(ran).isTrue();
  }

  @Test
  void anExclusiveHolderWaitsForSharedOnesAndKeepsThemOut() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    boolean waited =
        locks.withLocks(
            Set.of("Promise/p"),
            () -> {
              Future<Boolean> s =
                  other.submit(
                      () ->
                          locks.withLocks(
                              List.of(),
                              Set.of("Promise/p"),
                              () -> {
                                entered.countDown();
                                return true;
                              }));
              try {
                boolean keptOut = !entered.await(200, TimeUnit.MILLISECONDS);
                return keptOut && !s.isDone();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(waited).isTrue();
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
  }
}
