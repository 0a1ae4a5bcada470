package io.pledge.runner.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.runner.sandbox.RunFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandbackBundleTest {

  @TempDir Path dir;

  @Test
  void unpacksOutputAndMetadataIntoTheRunFolders() throws Exception {
    RunFolders folders = RunFolders.create(dir.resolve("runs"), "r");
    String bundle =
        KubernetesJobFlowTest.bundle(
            Map.of("output/a/b.yaml", "b\n", "metadata/status.yaml", "message: hi\n"));

    HandbackBundle.unpack(bundle, folders, 1_000_000);

    assertThat(Files.readString(folders.output().resolve("a/b.yaml"))).isEqualTo("b\n");
    assertThat(Files.readString(folders.metadata().resolve("status.yaml")))
        .isEqualTo("message: hi\n");
  }

  @Test
  void refusesASymbolicLink() throws Exception {
    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve("output"));
    Files.createDirectories(src.resolve("metadata"));
    Files.createSymbolicLink(src.resolve("output/passwd"), Path.of("/etc/passwd"));
    String bundle = tar(src, "output", "metadata");

    assertThatThrownBy(
            () -> HandbackBundle.unpack(bundle, RunFolders.create(dir.resolve("r"), "r"), 1 << 20))
        .isInstanceOf(HandbackBundle.InvalidBundleException.class)
        .hasMessageContaining("output/passwd")
        .hasMessageContaining("link");
  }

  @Test
  void refusesPathsOutsideOutputAndMetadata() throws Exception {
    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve("input"));
    Files.writeString(src.resolve("input/object.yaml"), "x");
    String bundle = tar(src, "input");

    assertThatThrownBy(
            () -> HandbackBundle.unpack(bundle, RunFolders.create(dir.resolve("r"), "r"), 1 << 20))
        .isInstanceOf(HandbackBundle.InvalidBundleException.class)
        .hasMessageContaining("outside output/ and metadata/");
  }

  @Test
  void refusesMoreBytesThanAllowed() throws Exception {
    String bundle = KubernetesJobFlowTest.bundle(Map.of("output/big", "x".repeat(5000)));

    assertThatThrownBy(
            () -> HandbackBundle.unpack(bundle, RunFolders.create(dir.resolve("r"), "r"), 1000))
        .isInstanceOf(HandbackBundle.InvalidBundleException.class)
        .hasMessageContaining("larger than allowed");
  }

  @Test
  void refusesTextThatIsNoArchive() {
    assertThatThrownBy(
            () ->
                HandbackBundle.unpack(
                    Base64.getEncoder().encodeToString("hello".getBytes()),
                    RunFolders.create(dir.resolve("r"), "r"),
                    1000))
        .isInstanceOf(HandbackBundle.InvalidBundleException.class);
  }

  private static String tar(Path src, String... folders) throws Exception {
    Path archive = src.resolveSibling("bundle.tar.gz");
    List<String> argv = new java.util.ArrayList<>(List.of("tar", "-czf", archive.toString()));
    argv.addAll(List.of(folders));
    Process p = new ProcessBuilder(argv).directory(src.toFile()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
    return Base64.getEncoder().encodeToString(Files.readAllBytes(archive));
  }
}
