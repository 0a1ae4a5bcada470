package io.pledge.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.notifier.lifecycle.Lifecycle;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotificationDispatcherTest {

  private static final String KEY = "default/postgresql/example";
  private static final Delivery DELIVERY = new Delivery(KEY, 1, Lifecycle.RECONCILED, "slack");
  private static final Notification EVENT =
      Notification.of(
          new LifecycleEvent(
              ResourceKey.parse(KEY), 1, Lifecycle.RECONCILED, ResourceStatus.empty(KEY)));

  private final List<Duration> waits = new ArrayList<>();
  private final List<Outcome> retrying = new ArrayList<>();
  private final NotificationDispatcher dispatcher =
      new NotificationDispatcher(
          new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5)),
          waits::add);

  /** A channel answering with {@code answers} in turn. */
  private static Notifier answering(Attempt... answers) {
    Deque<Attempt> queue = new ArrayDeque<>(List.of(answers));
    return new Notifier() {
      @Override
      public String channel() {
        return "slack";
      }

      @Override
      public Attempt attempt(Notification notification) {
        return queue.remove();
      }
    };
  }

  @Test
  void sentAtTheFirstAttemptReportsNoRetry() throws InterruptedException {
    Outcome outcome =
        dispatcher.deliver(DELIVERY, answering(Attempt.sent("HTTP 200")), EVENT, retrying::add);

    assertThat(outcome).isEqualTo(new Outcome(DELIVERY, "sent", 1, "HTTP 200"));
    assertThat(retrying).isEmpty();
    assertThat(waits).isEmpty();
  }

  @Test
  void retriesServerErrorsUntilSent() throws InterruptedException {
    Outcome outcome =
        dispatcher.deliver(
            DELIVERY,
            answering(
                Attempt.retryable("HTTP 500"),
                Attempt.retryable("HTTP 502"),
                Attempt.sent("HTTP 200")),
            EVENT,
            retrying::add);

    assertThat(outcome.sent()).isTrue();
    assertThat(outcome.attempt()).isEqualTo(3);
    assertThat(retrying)
        .extracting(Outcome::outcome, Outcome::attempt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("retrying", 1),
            org.assertj.core.groups.Tuple.tuple("retrying", 2));
    assertThat(retrying.get(0).detail()).startsWith("HTTP 500; next attempt in ");
    assertThat(waits).hasSize(2);
  }

  @Test
  void givesUpAfterTheLastAttempt() throws InterruptedException {
    Attempt down = Attempt.retryable("HTTP 503");

    Outcome outcome =
        dispatcher.deliver(DELIVERY, answering(down, down, down), EVENT, retrying::add);

    assertThat(outcome.failed()).isTrue();
    assertThat(outcome.attempt()).isEqualTo(3);
    assertThat(outcome.detail()).isEqualTo("gave up after 3 attempts: HTTP 503");
    assertThat(retrying).hasSize(2);
  }

  @Test
  void aPermanentFailureIsNotRetried() throws InterruptedException {
    Outcome outcome =
        dispatcher.deliver(
            DELIVERY,
            answering(Attempt.permanent("HTTP 400: invalid_payload")),
            EVENT,
            retrying::add);

    assertThat(outcome).isEqualTo(new Outcome(DELIVERY, "failed", 1, "HTTP 400: invalid_payload"));
    assertThat(retrying).isEmpty();
    assertThat(waits).isEmpty();
  }

  @Test
  void waitsAsLongAsTheServerAsks() throws InterruptedException {
    dispatcher.deliver(
        DELIVERY,
        answering(
            Attempt.retryable("HTTP 429", java.util.Optional.of(Duration.ofSeconds(2))),
            Attempt.sent("HTTP 200")),
        EVENT,
        retrying::add);

    assertThat(waits).containsExactly(Duration.ofSeconds(2));
  }
}
