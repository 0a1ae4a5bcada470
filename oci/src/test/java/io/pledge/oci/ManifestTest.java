package io.pledge.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ManifestTest {

  private static final String CONFIG = "sha256:" + "c".repeat(64);
  private static final String LAYER_1 = "sha256:" + "1".repeat(64);
  private static final String LAYER_2 = "sha256:" + "2".repeat(64);
  private static final String AMD64 = "sha256:" + "a".repeat(64);
  private static final String ARM64 = "sha256:" + "b".repeat(64);

  private static final String OCI_MANIFEST =
      """
      {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
          "mediaType": "application/vnd.oci.image.config.v1+json",
          "digest": "%s",
          "size": 1469
        },
        "layers": [
          {
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": "%s",
            "size": 2811947
          },
          {
            "mediaType": "application/vnd.oci.image.layer.v1.tar",
            "digest": "%s",
            "size": 10240
          }
        ]
      }
      """
          .formatted(CONFIG, LAYER_1, LAYER_2);

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static String sha256(byte[] data) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @Test
  void readsAnOciManifestsConfigAndLayersInOrder() {
    Manifest manifest = Manifest.parse(bytes(OCI_MANIFEST));

    assertThat(manifest.index()).isFalse();
    assertThat(manifest.platformDigest()).isNull();
    assertThat(manifest.configSize()).isEqualTo(1469);
    assertThat(manifest.layers())
        .containsExactly(
            new Manifest.Layer(LAYER_1, 2811947, "application/vnd.oci.image.layer.v1.tar+gzip"),
            new Manifest.Layer(LAYER_2, 10240, "application/vnd.oci.image.layer.v1.tar"));
  }

  @Test
  void readsADockerSchema2Manifest() {
    String docker =
        """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
          "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 7023,
            "digest": "%s"
          },
          "layers": [
            {
              "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
              "size": 32654,
              "digest": "%s"
            }
          ]
        }
        """
            .formatted(CONFIG, LAYER_1);

    Manifest manifest = Manifest.parse(bytes(docker));

    assertThat(manifest.index()).isFalse();
    assertThat(manifest.configSize()).isEqualTo(7023);
    assertThat(manifest.layers())
        .containsExactly(
            new Manifest.Layer(
                LAYER_1, 32654, "application/vnd.docker.image.rootfs.diff.tar.gzip"));
    assertThat(manifest.declaredBytes()).isEqualTo(7023 + 32654);
  }

  @Test
  void declaredBytesAddsTheConfigAndEveryLayer() {
    assertThat(Manifest.parse(bytes(OCI_MANIFEST)).declaredBytes())
        .isEqualTo(1469L + 2811947L + 10240L);
  }

  @Test
  void missingSizesCountAsNothingRatherThanSubtracting() {
    String json =
        """
        {"schemaVersion": 2, "config": {"digest": "%s"},
         "layers": [{"digest": "%s"}, {"digest": "%s", "size": 100}]}
        """
            .formatted(CONFIG, LAYER_1, LAYER_2);

    Manifest manifest = Manifest.parse(bytes(json));

    assertThat(manifest.configSize()).isEqualTo(-1);
    assertThat(manifest.layers().get(0).size()).isEqualTo(-1);
    assertThat(manifest.layers().get(0).mediaType()).isEmpty();
    assertThat(manifest.declaredBytes()).isEqualTo(100);
  }

  @Test
  void theDigestIsTheSha256OfTheExactBytes() throws Exception {
    byte[] raw = bytes(OCI_MANIFEST);
    // Same JSON, different whitespace: a different document to a registry.
    byte[] compact = bytes(OCI_MANIFEST.replaceAll("\\s+", ""));

    assertThat(Manifest.parse(raw).digest()).isEqualTo(sha256(raw));
    assertThat(Manifest.parse(compact).digest())
        .isEqualTo(sha256(compact))
        .isNotEqualTo(Manifest.parse(raw).digest());
  }

  @Test
  void digestOfMatchesAnIndependentSha256() throws Exception {
    byte[] data = "hello, registry\n".getBytes(StandardCharsets.UTF_8);

    assertThat(Manifest.digestOf(data)).isEqualTo(sha256(data)).hasSize(7 + 64);
    assertThat(Manifest.digestOf("hello, registry\n")).isEqualTo(sha256(data));
    // The well-known digest of nothing, as registries use for empty blobs.
    assertThat(Manifest.digestOf(new byte[0]))
        .isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void anOciIndexPicksTheLinuxAmd64Manifest() {
    String index =
        """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.index.v1+json",
          "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "%s",
             "size": 500, "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json",
             "digest": "sha256:%s", "size": 500,
             "platform": {"architecture": "amd64", "os": "windows"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "%s",
             "size": 500, "platform": {"architecture": "amd64", "os": "linux"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json",
             "digest": "sha256:%s", "size": 500,
             "platform": {"architecture": "unknown", "os": "unknown"}}
          ]
        }
        """
            .formatted(ARM64, "d".repeat(64), AMD64, "e".repeat(64));

    Manifest manifest = Manifest.parse(bytes(index));

    assertThat(manifest.index()).isTrue();
    assertThat(manifest.platformDigest()).isEqualTo(AMD64);
    assertThat(manifest.layers()).isEmpty();
    assertThat(manifest.declaredBytes()).isZero();
  }

  @Test
  void aDockerManifestListPicksTheLinuxAmd64Manifest() {
    String list =
        """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
          "manifests": [
            {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 527,
             "digest": "%s", "platform": {"architecture": "amd64", "os": "linux"}},
            {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 527,
             "digest": "%s", "platform": {"architecture": "arm64", "os": "linux"}}
          ]
        }
        """
            .formatted(AMD64, ARM64);

    Manifest manifest = Manifest.parse(bytes(list));

    assertThat(manifest.index()).isTrue();
    assertThat(manifest.platformDigest()).isEqualTo(AMD64);
  }

  @Test
  void anIndexWithoutLinuxAmd64IsRefused() {
    String index =
        """
        {"schemaVersion": 2, "manifests": [
          {"digest": "%s", "platform": {"architecture": "arm64", "os": "linux"}},
          {"digest": "%s", "platform": {"architecture": "amd64", "os": "windows"}}]}
        """
            .formatted(ARM64, AMD64);

    assertThatThrownBy(() -> Manifest.parse(bytes(index)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the image index has no linux/amd64 manifest");
  }

  @Test
  void schemaVersion1IsRefused() {
    assertThatThrownBy(() -> Manifest.parse(bytes("{\"schemaVersion\": 1, \"fsLayers\": []}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema version 1 is not supported");
  }

  @Test
  void somethingThatIsNotAManifestIsRefused() {
    assertThatThrownBy(() -> Manifest.parse(bytes("<html>not found</html>")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> Manifest.parse(bytes("[1, 2]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> Manifest.parse(bytes("{\"schemaVersion\": 2, \"layers\": []}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no config or no layers");
  }
}
