package io.pledge.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.bench.chaos.Takeover.Member;
import io.pledge.bench.chaos.Takeover.Poll;
import io.pledge.bench.chaos.Takeover.Snapshot;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TakeoverTest {

  private static final Set<String> ALL = Set.of("t-0", "t-1", "t-2", "t-3");

  private static final Member A = new Member("a", "kafka-consumer-requests", Set.of("t-0", "t-1"));
  private static final Member B = new Member("b", "kafka-consumer-requests", Set.of("t-2", "t-3"));
  private static final Member A_ALL = new Member("a", "kafka-consumer-requests", ALL);

  private static Snapshot stable(Member... members) {
    return new Snapshot("Stable", List.of(members));
  }

  @Test
  void takeoverIsTheFirstStableDescriptionWithTheGroupShrunkAndEveryPartitionOnASurvivor() {
    Takeover t = new Takeover("pipeline-runner-2", stable(A, B), 2, ALL);
    List<Poll> polls =
        List.of(
            // The killed member stays until its session timeout: nothing has moved yet.
            new Poll(1_100, stable(A, B)),
            new Poll(6_200, new Snapshot("PreparingRebalance", List.of(A, B))),
            // Rebalancing: the survivor is alone but holds nothing yet.
            new Poll(
                6_300,
                new Snapshot("CompletingRebalance", List.of(new Member("a", "c", Set.of())))),
            // Cooperative-sticky: first round gives back only what was the survivor's.
            new Poll(6_400, stable(A)),
            new Poll(6_500, stable(A_ALL)),
            new Poll(6_600, stable(A_ALL)));

    assertThat(t.millis(1_000, polls)).isEqualTo(OptionalLong.of(5_500));
  }

  @Test
  void notTakenOverWhileTheKilledMemberIsStillThereOrNothingChanged() {
    Takeover t = new Takeover("state-writer-2", stable(A, B), 2, ALL);
    assertThat(t.millis(0, List.of(new Poll(100, stable(A, B)), new Poll(200, stable(A, B)))))
        .isEmpty();
    assertThat(t.takenOver(new Snapshot("Empty", List.of()))).isFalse();
  }

  @Test
  void aMemberWhoseClientIdNamesTheKilledInstanceIsItsWhateverTheCount() {
    Member one = new Member("n1", "notifier-status-notifier-1", Set.of("t-0", "t-1"));
    Member two = new Member("n2", "notifier-status-notifier-2", Set.of("t-2", "t-3"));
    Member oneAll = new Member("n1", "notifier-status-notifier-1", ALL);
    // Three instances before: the share by count would be one member of three, but the client id
    // says which one is gone; notifier-2 must not match notifier-20 or notifier-12.
    Member other = new Member("n3", "notifier-status-notifier-3", Set.of());
    Takeover t = new Takeover("notifier-2", stable(one, two, other), 3, ALL);

    assertThat(t.takenOver(stable(oneAll, two))).isFalse();
    assertThat(t.takenOver(stable(oneAll, other))).isTrue();
    assertThat(new Takeover("notifier-2", stable(one, two), 2, ALL).membersAfter()).isEqualTo(1);
    Member twenty = new Member("n20", "notifier-status-notifier-20", ALL);
    Takeover byCount = new Takeover("notifier-2", stable(one, twenty), 2, ALL);
    assertThat(byCount.takenOver(stable(twenty))).isTrue();
  }

  @Test
  void pollsBeforeTheKillDoNotCount() {
    Takeover t = new Takeover("request-intake-2", stable(A, B), 2, ALL);
    assertThat(
            t.millis(
                5_000, List.of(new Poll(4_000, stable(A_ALL)), new Poll(7_000, stable(A_ALL)))))
        .isEqualTo(OptionalLong.of(2_000));
  }

  @Test
  void aLoneInstanceHasNoSurvivor() {
    assertThatThrownBy(() -> new Takeover("notifier-1", stable(A), 1, ALL))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
