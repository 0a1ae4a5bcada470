package io.pledge.oci;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SkopeoTest {

  @Test
  void theAnswerIsTheLastLineWithoutTheLogPrefix() {
    String stderr =
        "time=\"2024-05-01T10:00:00Z\" level=warning msg=\"something earlier\"\n"
            + "time=\"2024-05-01T10:00:01Z\" level=fatal msg=\"Error reading manifest v1 in"
            + " 127.0.0.1:5000/x: manifest unknown: manifest unknown\"\n";

    assertThat(Skopeo.registryAnswer(stderr))
        .isEqualTo("reading manifest v1 in 127.0.0.1:5000/x: manifest unknown: manifest unknown");
  }

  @Test
  void anOldStyleFatalPrefixIsDropped() {
    // The logrus text format used when stderr is a terminal.
    assertThat(Skopeo.registryAnswer("FATA[0000] Error: unauthorized: authentication required"))
        .doesNotContain("FATA")
        .endsWith("unauthorized: authentication required");
  }

  @Test
  void plainTextIsKeptAsItIs() {
    assertThat(Skopeo.registryAnswer("  something odd happened \n"))
        .isEqualTo("something odd happened");
  }

  @Test
  void noOutputMeansNoAnswer() {
    assertThat(Skopeo.registryAnswer(null)).isEqualTo("no answer");
    assertThat(Skopeo.registryAnswer(" \n ")).isEqualTo("no answer");
  }

  @Test
  void aVeryLongAnswerIsCut() {
    String answer = Skopeo.registryAnswer("x".repeat(2_000));

    assertThat(answer).hasSize(601).startsWith("xxx").endsWith("x…");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "reading manifest v1 in 127.0.0.1:5000/x: manifest unknown: manifest unknown",
        "unauthorized: authentication required",
        "reading manifest latest in ghcr.io/org/private: denied: denied",
        "requested access to the resource is denied",
        "initializing source docker://ghcr.io/org/gone:v1: reading manifest v1 in"
            + " ghcr.io/org/gone: name unknown",
        "Source image rejected: Running image docker://x is rejected by policy.",
        "invalid reference format",
        "choosing an image from manifest list docker://x: no image found in manifest list for"
            + " architecture amd64, OS linux",
        "pinging container registry blocked.example.com: registry blocked.example.com is blocked"
            + " in registries.conf",
        // A permanent reason wins even when a retryable word is also present.
        "reading blob sha256:abc: fetching blob: 404 not found (after EOF)"
      })
  void answersThatWillNotChangeOnRetryArePermanent(String answer) {
    assertThat(Skopeo.isTransient(answer)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pinging container registry 127.0.0.1:5000: Get \\\"https://127.0.0.1:5000/v2/\\\":"
            + " dial tcp 127.0.0.1:5000: connect: connection refused",
        "reading blob sha256:abc: read tcp 10.0.0.2:443: read: connection reset by peer",
        "pinging container registry ghcr.io: Get \"https://ghcr.io/v2/\": dial tcp: lookup"
            + " ghcr.io on 10.0.0.1:53: no such host",
        "Get \"https://ghcr.io/v2/\": dial tcp 140.82.0.1:443: i/o timeout",
        "reading blob sha256:abc: unexpected EOF",
        "received unexpected HTTP status: 502 Bad Gateway",
        "received unexpected HTTP status: 503 Service Unavailable",
        "received unexpected HTTP status: 504 Gateway Timeout",
        "received unexpected HTTP status: 429 Too Many Requests",
        // Docker Hub's rate limit, as containers/image prints the registry's error code.
        "reading manifest latest in docker.io/library/busybox: toomanyrequests: You have reached"
            + " your pull rate limit. You may increase the limit by authenticating and upgrading:"
            + " https://www.docker.com/increase-rate-limit"
      })
  void answersThatMayChangeLaterAreTransient(String answer) {
    assertThat(Skopeo.isTransient(answer)).isTrue();
  }

  @Test
  void anUnknownOrMissingAnswerIsNotRetried() {
    assertThat(Skopeo.isTransient("no answer")).isFalse();
    assertThat(Skopeo.isTransient("writing blob: no space left on device")).isFalse();
  }

  @Test
  void aFailureCarriesTheAnswerAndItsClassification() {
    ToolException refused =
        Skopeo.failure(
            "cannot pull 127.0.0.1:5000/x:v1",
            "time=\"t\" level=fatal msg=\"Error: pinging container registry 127.0.0.1:5000:"
                + " connect: connection refused\"");
    ToolException unknown =
        Skopeo.failure("cannot pull 127.0.0.1:5000/x:v1", "manifest unknown: manifest unknown");

    assertThat(refused)
        .hasMessage(
            "cannot pull 127.0.0.1:5000/x:v1: pinging container registry 127.0.0.1:5000: connect:"
                + " connection refused");
    assertThat(refused.isTransient()).isTrue();
    assertThat(unknown.isTransient()).isFalse();
  }
}
