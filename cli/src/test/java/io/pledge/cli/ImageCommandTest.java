package io.pledge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pledge.oci.ContainersConfig;
import io.pledge.oci.ImageReference;
import io.pledge.oci.Manifest;
import io.pledge.oci.Skopeo;
import io.pledge.oci.ToolException;
import io.pledge.oci.Umoci;
import io.pledge.testkit.oci.OciRegistry;
import io.pledge.testkit.oci.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pledge image build} against a real registry, checked by pulling what it pushed. */
class ImageCommandTest {

  static final Duration TIMEOUT = Duration.ofMinutes(1);

  @TempDir Path dir;
  final OciRegistry registry = OciRegistry.shared();
  final Skopeo skopeo = new Skopeo(Path.of("skopeo"), ContainersConfig.fromEnvironment(Map.of()));
  Path context;
  String base;

  @BeforeEach
  void recipe() throws Exception {
    base = new TestImages(registry, dir.resolve("work")).busybox();
    context = Files.createDirectories(dir.resolve("configure"));
    Files.writeString(
        context.resolve("configure.sh"), "#!/bin/sh\necho configured > /kratix/output/x.yaml\n");
  }

  CliRun cli;

  int pledge(String... args) {
    if (cli == null) {
      cli = new CliRun(dir);
    }
    return cli.pledge(args);
  }

  @Test
  void buildsTheContainerfileAndPushesAnImageThatCarriesItsFilesAndConfig() throws Exception {
    Files.writeString(
        context.resolve("Containerfile"),
        "FROM "
            + base
            + "\nENV GREETING=hello\nWORKDIR /pipeline\n"
            + "COPY --chmod=755 configure.sh /usr/bin/configure\n"
            + "ENTRYPOINT [\"/usr/bin/configure\"]\n");
    String ref = registry.reference("team/configure:v1");

    int code = pledge("image", "build", "configure", "-t", ref);

    assertThat(code).as(cli.err()).isZero();
    byte[] manifest = skopeo.inspectRaw(ImageReference.parse(ref), TIMEOUT);
    assertThat(cli.out().strip()).isEqualTo("pushed " + ref + "@" + Manifest.digestOf(manifest));

    Path layout = dir.resolve("pulled");
    skopeo.pull(ImageReference.parse(ref), layout, "x", null, TIMEOUT);
    Umoci umoci = new Umoci(Path.of("umoci"), TIMEOUT);
    Path bundle = dir.resolve("bundle");
    umoci.unpack(layout, "x", bundle);
    Path script = bundle.resolve("rootfs/usr/bin/configure");
    assertThat(script).content().contains("echo configured");
    assertThat(Files.isExecutable(script)).isTrue();
    assertThat(bundle.resolve("rootfs/bin/busybox")).exists();
    JsonNode process =
        new ObjectMapper().readTree(bundle.resolve("config.json").toFile()).path("process");
    assertThat(process.path("args").toString()).isEqualTo("[\"/usr/bin/configure\"]");
    assertThat(process.path("cwd").asText()).isEqualTo("/pipeline");
    assertThat(process.path("env").toString()).contains("GREETING=hello");
  }

  @Test
  void refusesRunWithTheReasonAndPushesNothing() throws Exception {
    Files.writeString(
        context.resolve("Containerfile"), "FROM " + base + "\nRUN apt-get install -y jq\n");
    String ref = registry.reference("team/refused:v1");

    int code = pledge("image", "build", "configure", "-t", ref);

    assertThat(code).isEqualTo(PledgeCommand.REFUSED);
    assertThat(cli.err()).contains("RUN").contains("line 2");
    assertThatThrownBy(() -> skopeo.inspectRaw(ImageReference.parse(ref), TIMEOUT))
        .isInstanceOf(ToolException.class);
  }

  @Test
  void aBaseImageThatDoesNotExistFailsNamingIt() throws Exception {
    String missing = registry.reference("team/no-such-base:v1");
    Files.writeString(context.resolve("Containerfile"), "FROM " + missing + "\n");

    int code = pledge("image", "build", "configure", "-t", registry.reference("team/x:v1"));

    assertThat(code).isEqualTo(PledgeCommand.REFUSED);
    assertThat(cli.err()).contains("cannot pull " + missing);
  }

  @Test
  void aBadTargetReferenceIsAUsageErrorBeforeAnyWork() {
    int code = pledge("image", "build", "configure", "-t", "Bad Name:v1");

    assertThat(code).isEqualTo(PledgeCommand.REFUSED);
    assertThat(cli.err()).contains("Bad Name:v1");
  }
}
