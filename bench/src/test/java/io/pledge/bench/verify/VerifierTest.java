package io.pledge.bench.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifierTest {

  static final String A = "load/bench/r-000000";
  static final String B = "load/bench/r-000001";

  private final List<Accepted> accepted =
      List.of(new Accepted(A, 1, 1), new Accepted(B, 1, 2), new Accepted(A, 2, 3));

  private static List<Delivery> notified(String... keysAndGenerations) {
    List<Delivery> d = new ArrayList<>();
    for (int i = 0; i < keysAndGenerations.length; i += 2) {
      String key = keysAndGenerations[i];
      long g = Long.parseLong(keysAndGenerations[i + 1]);
      d.add(new Delivery("slack", key, "reconciled", g, null));
      d.add(new Delivery("billing", key, "created", g, "idem-" + key + "-" + g));
    }
    return d;
  }

  private static List<Manifest> head(Manifest... m) {
    return List.of(m);
  }

  @Test
  void everythingAtTheHeadOnceIsOk() {
    Verdict v =
        Verifier.verify(
            accepted,
            head(new Manifest(A, 2, 3, "a"), new Manifest(B, 1, 2, "b")),
            List.of(new Write(A, 1, 1), new Write(B, 1, 1), new Write(A, 2, 2)),
            0,
            notified(A, "2", B, "1"));
    assertThat(v.ok()).isTrue();
    assertThat(v.requestsAccepted()).isEqualTo(3);
    assertThat(v.resources()).isEqualTo(2);
    assertThat(v.lostTotal()).isZero();
    assertThat(v.doubledTotal()).isZero();
  }

  @Test
  void aMissingOrStaleManifestLosesItsRequests() {
    Verdict v =
        Verifier.verify(
            accepted, head(new Manifest(A, 1, 1, "a")), List.of(), 0, notified(A, "2", B, "1"));
    assertThat(v.lostResources()).isEqualTo(2);
    assertThat(v.lostRequests()).as("A's generation 2 and B's generation 1").isEqualTo(2);
    assertThat(v.lost()).anyMatch(s -> s.contains(B) && s.contains("no manifest"));
    assertThat(v.ok()).isFalse();
  }

  @Test
  void theLastGenerationWithAnotherRequestsContentIsLost() {
    Verdict v =
        Verifier.verify(
            accepted,
            head(new Manifest(A, 2, 99, "a"), new Manifest(B, 1, 2, "b")),
            List.of(),
            0,
            notified(A, "2", B, "1"));
    assertThat(v.lostRequests()).isEqualTo(1);
    assertThat(v.lost()).singleElement().asString().contains("seq 99");
  }

  @Test
  void aGenerationWrittenAgainAfterANewerOneIsDoubled() {
    Verdict v =
        Verifier.verify(
            accepted,
            head(new Manifest(A, 2, 3, "a"), new Manifest(B, 1, 2, "b")),
            List.of(new Write(A, 1, 1), new Write(A, 2, 2), new Write(A, 1, 3), new Write(A, 2, 4)),
            0,
            notified(A, "2", B, "1"));
    assertThat(v.doubledResources()).isEqualTo(1);
    assertThat(v.doubled()).singleElement().asString().contains("[1, 2, 1, 2]");
    assertThat(v.lostTotal()).isZero();
  }

  @Test
  void twoManifestsAtTheHeadAndEmptyCommitsAreDoubles() {
    Verdict v =
        Verifier.verify(
            accepted,
            head(
                new Manifest(A, 2, 3, "a1"),
                new Manifest(A, 2, 3, "a2"),
                new Manifest(B, 1, 2, "b")),
            List.of(),
            2,
            notified(A, "2", B, "1"));
    assertThat(v.doubledResources()).isEqualTo(1);
    assertThat(v.emptyCommits()).isEqualTo(2);
    assertThat(v.doubledTotal()).isEqualTo(3);
    assertThat(v.ok()).isFalse();
  }

  @Test
  void theLastGenerationMustBeAnnouncedOnceAndBilledOnce() {
    List<Delivery> d = new ArrayList<>(notified(A, "1", B, "1"));
    d.add(new Delivery("slack", B, "reconciled", 1, null));
    Verdict v =
        Verifier.verify(
            accepted,
            head(new Manifest(A, 2, 3, "a"), new Manifest(B, 1, 2, "b")),
            List.of(),
            0,
            d);
    assertThat(v.notificationsLost()).as("A was announced at generation 1, not 2").isEqualTo(1);
    assertThat(v.lostNotifications())
        .singleElement()
        .asString()
        .contains(A + " reconciled generation 2");
    assertThat(v.notificationsDoubled()).isEqualTo(1);
    assertThat(v.doubledNotifications()).singleElement().asString().contains("posted 2 times");
  }

  @Test
  void aBillingRetryWithTheSameKeyIsNotADoubleButANewKeyIs() {
    List<Delivery> d = new ArrayList<>(notified(A, "2", B, "1"));
    d.add(new Delivery("billing", A, "created", 2, "idem-" + A + "-2"));
    Verdict resent =
        Verifier.verify(
            accepted,
            head(new Manifest(A, 2, 3, "a"), new Manifest(B, 1, 2, "b")),
            List.of(),
            0,
            d);
    assertThat(resent.ok()).isTrue();
    assertThat(resent.billingResent()).isEqualTo(1);

    d.add(new Delivery("billing", B, "created", 1, "another-key"));
    d.add(new Delivery("billing", B, "created", 2, "idem-" + B + "-2"));
    Verdict doubled =
        Verifier.verify(
            accepted,
            head(new Manifest(A, 2, 3, "a"), new Manifest(B, 1, 2, "b")),
            List.of(),
            0,
            d);
    assertThat(doubled.notificationsDoubled())
        .as("two keys for B 1, and B created twice")
        .isEqualTo(2);
  }
}
