package io.pledge.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.oci.ImageReference.InvalidReferenceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

  private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

  @Test
  void aBareNameIsAnOfficialDockerHubImageAtLatest() {
    ImageReference ref = ImageReference.parse("busybox");

    assertThat(ref).isEqualTo(new ImageReference("docker.io", "library/busybox", "latest", null));
    assertThat(ref).hasToString("docker.io/library/busybox:latest");
  }

  @Test
  void aTwoPartNameWithoutARegistryIsOnDockerHubWithoutLibrary() {
    ImageReference ref = ImageReference.parse("syntasso/test-bundle-image:v0.1");

    assertThat(ref.registry()).isEqualTo("docker.io");
    assertThat(ref.repository()).isEqualTo("syntasso/test-bundle-image");
    assertThat(ref.tag()).isEqualTo("v0.1");
  }

  @Test
  void dockerHubAliasesAreNormalisedBeforeLibraryIsAdded() {
    // Both spellings name the same image as plain "busybox", so caches must key them alike.
    assertThat(ImageReference.parse("index.docker.io/busybox"))
        .isEqualTo(ImageReference.parse("busybox"));
    assertThat(ImageReference.parse("docker.io/library/busybox:latest"))
        .isEqualTo(ImageReference.parse("busybox"));
  }

  @Test
  void aFirstPartWithADotIsARegistry() {
    ImageReference ref = ImageReference.parse("ghcr.io/org/x:v1");

    assertThat(ref).isEqualTo(new ImageReference("ghcr.io", "org/x", "v1", null));
  }

  @Test
  void localhostWithAPortIsARegistryAndThePortIsNotATag() {
    ImageReference ref = ImageReference.parse("localhost:5000/a/b");

    assertThat(ref).isEqualTo(new ImageReference("localhost:5000", "a/b", "latest", null));
  }

  @Test
  void localhostWithoutAPortIsStillARegistry() {
    assertThat(ImageReference.parse("localhost/a").registry()).isEqualTo("localhost");
  }

  @Test
  void aDigestOnlyReferenceHasNoTag() {
    ImageReference ref = ImageReference.parse("127.0.0.1:5000/x@" + DIGEST);

    assertThat(ref).isEqualTo(new ImageReference("127.0.0.1:5000", "x", null, DIGEST));
    assertThat(ref).hasToString("127.0.0.1:5000/x@" + DIGEST);
  }

  @Test
  void aTagAndADigestAreBothKept() {
    ImageReference ref = ImageReference.parse("ghcr.io/org/x:v1@" + DIGEST);

    assertThat(ref.tag()).isEqualTo("v1");
    assertThat(ref.digest()).isEqualTo(DIGEST);
    assertThat(ref).hasToString("ghcr.io/org/x:v1@" + DIGEST);
  }

  @Test
  void anIpv6LoopbackRegistryWithAPortParses() {
    ImageReference ref = ImageReference.parse("[::1]:5000/x:v1");

    assertThat(ref).isEqualTo(new ImageReference("[::1]:5000", "x", "v1", null));
  }

  @Test
  void surroundingWhitespaceIsIgnored() {
    assertThat(ImageReference.parse("  busybox:1.36 \n"))
        .hasToString("docker.io/library/busybox:1.36");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ghcr.io/Org/x:v1", "Busybox", "MyOrg/app"})
  void anUpperCaseRepositoryIsRefused(String text) {
    assertThatThrownBy(() -> ImageReference.parse(text))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining("lower-case");
  }

  @Test
  void anUpperCaseRegistryHostIsAccepted() {
    // Host names are case-insensitive; only the repository path must be lower case.
    assertThat(ImageReference.parse("GHCR.io/org/x").registry()).isEqualTo("GHCR.io");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   "})
  void anEmptyReferenceIsRefused(String text) {
    assertThatThrownBy(() -> ImageReference.parse(text))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("empty");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a b:v1",
        ":::",
        "busybox:",
        "busybox:-bad",
        "/busybox",
        "org/",
        "org//x",
        "a--b_.c",
        "host:port/x",
        "bad_host.io:5000/x",
        "busybox@sha256:abc",
        "busybox@md5:0123456789abcdef0123456789abcdef",
        "busybox@sha256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
      })
  void garbageIsRefusedNamingTheInput(String text) {
    assertThatThrownBy(() -> ImageReference.parse(text))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageStartingWith("image reference '" + text + "' does not parse: ");
  }

  @Test
  void aTooLongTagIsRefused() {
    assertThatThrownBy(() -> ImageReference.parse("busybox:" + "a".repeat(129)))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("not a valid tag");
    assertThat(ImageReference.parse("busybox:" + "a".repeat(128)).tag()).hasSize(128);
  }

  @Test
  void separatorsInsideRepositoryComponentsAreAllowed() {
    ImageReference ref = ImageReference.parse("ghcr.io/my_org/a__b.c-d---e:v1.2_3-rc");

    assertThat(ref.repository()).isEqualTo("my_org/a__b.c-d---e");
    assertThat(ref.tag()).isEqualTo("v1.2_3-rc");
  }

  @Test
  void latestOrNoTagMeansAlwaysPull() {
    assertThat(ImageReference.parse("busybox").defaultPullPolicy()).isEqualTo(PullPolicy.ALWAYS);
    assertThat(ImageReference.parse("busybox:latest").defaultPullPolicy())
        .isEqualTo(PullPolicy.ALWAYS);
  }

  @Test
  void anyOtherTagMeansIfNotPresent() {
    assertThat(ImageReference.parse("busybox:1.36").defaultPullPolicy())
        .isEqualTo(PullPolicy.IF_NOT_PRESENT);
    // "latest" is matched exactly: a tag that only starts with it is an ordinary tag.
    assertThat(ImageReference.parse("busybox:latest-rc").defaultPullPolicy())
        .isEqualTo(PullPolicy.IF_NOT_PRESENT);
  }

  @Test
  void aDigestPinnedReferenceNeverNeedsAlways() {
    // A digest cannot move, so asking the registry again cannot find anything new.
    assertThat(ImageReference.parse("busybox@" + DIGEST).defaultPullPolicy())
        .isEqualTo(PullPolicy.IF_NOT_PRESENT);
    assertThat(ImageReference.parse("busybox:latest@" + DIGEST).defaultPullPolicy())
        .isEqualTo(PullPolicy.IF_NOT_PRESENT);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost/x",
        "localhost:5000/x",
        "LOCALHOST:5000/x",
        "127.0.0.1/x",
        "127.0.0.1:5000/x",
        "127.1.2.3:5000/x",
        "[::1]/x",
        "[::1]:5000/x"
      })
  void loopbackRegistriesAreRecognised(String text) {
    assertThat(ImageReference.parse(text).onLoopback()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "busybox",
        "ghcr.io/org/x",
        "10.0.0.1:5000/x",
        "192.168.1.10/x",
        "[::2]:5000/x",
        "localhost.example.com/x",
        "localhost.localdomain:5000/x"
      })
  void otherRegistriesAreNotLoopback(String text) {
    // Names other than "localhost" are not resolved, so DNS cannot make a registry plain HTTP.
    assertThat(ImageReference.parse(text).onLoopback()).isFalse();
  }

  @Test
  void theDockerTransportPrefixesTheCanonicalText() {
    assertThat(ImageReference.parse("busybox").dockerTransport())
        .isEqualTo("docker://docker.io/library/busybox:latest");
    assertThat(ImageReference.parse("127.0.0.1:5000/x:v1").dockerTransport())
        .isEqualTo("docker://127.0.0.1:5000/x:v1");
  }

  @Test
  void withDigestPinsTheImageAndDropsTheTag() {
    ImageReference pinned = ImageReference.parse("ghcr.io/org/x:v1").withDigest(DIGEST);

    assertThat(pinned).isEqualTo(new ImageReference("ghcr.io", "org/x", null, DIGEST));
    assertThat(pinned).hasToString("ghcr.io/org/x@" + DIGEST);
    assertThat(pinned.name()).isEqualTo("ghcr.io/org/x");
    // The pinned text parses back to the same reference.
    assertThat(ImageReference.parse(pinned.toString())).isEqualTo(pinned);
  }
}
