package io.pledge.runner.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.contract.kratix.Pipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCatalogTest {

  @TempDir Path dir;

  private Path catalog(String folder, String text) throws Exception {
    Path d = Files.createDirectories(dir.resolve(folder));
    return Files.writeString(d.resolve("images.yaml"), text);
  }

  private Path image(String folder, boolean executable) throws Exception {
    Path d = Files.createDirectories(dir.resolve(folder));
    Path entrypoint = Files.writeString(d.resolve("entrypoint"), "#!/bin/sh\necho hi\n");
    if (executable) {
      Files.setPosixFilePermissions(entrypoint, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return d;
  }

  private static Pipeline.Container container(
      String image, List<String> command, List<String> args) {
    return new Pipeline.Container("c", image, command, args, null, null);
  }

  @Test
  void resolvesFoldersRelativeToTheCatalogFile() throws Exception {
    Path file =
        catalog("examples/pg", "images:\n  pledge.io/pg-configure:v1: pipeline/configure\n");

    ImageCatalog catalog = ImageCatalog.load(List.of(file));

    assertThat(catalog.folder("pledge.io/pg-configure:v1"))
        .contains(dir.resolve("examples/pg/pipeline/configure").toAbsolutePath().normalize());
    assertThat(catalog.folder("other:v1")).isEmpty();
  }

  @Test
  void theFirstCatalogToMapAnImageWins() throws Exception {
    Path a = catalog("a", "images:\n  img:v1: one\n");
    Path b = catalog("b", "images:\n  img:v1: two\n  other:v1: three\n");

    ImageCatalog catalog = ImageCatalog.load(List.of(a, b));

    assertThat(catalog.folder("img:v1")).contains(dir.resolve("a/one"));
    assertThat(catalog.folder("other:v1")).contains(dir.resolve("b/three"));
  }

  @Test
  void rejectsACatalogWithoutAnImagesMap() throws Exception {
    Path file = catalog("bad", "pictures: {}\n");

    assertThatThrownBy(() -> ImageCatalog.load(List.of(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("images");
  }

  @Test
  void findsCatalogsByGlobInLexicalOrder() throws Exception {
    catalog("examples/zeta", "images: {}\n");
    catalog("examples/alpha", "images: {}\n");
    Files.createDirectories(dir.resolve("examples/none"));

    List<Path> files = CatalogLocator.locate(List.of("examples/*/images.yaml"), dir);

    assertThat(files)
        .containsExactly(
            dir.resolve("examples/alpha/images.yaml"), dir.resolve("examples/zeta/images.yaml"));
    assertThat(CatalogLocator.locate(List.of("nowhere/*/images.yaml"), dir)).isEmpty();
  }

  @Test
  void anImageOnlyContainerRunsTheImageEntrypointWithItsArgs() throws Exception {
    Path folder = image("img", true);
    Path catalog = catalogFor("img");
    ImageResolver resolver = new ImageResolver(() -> ImageCatalog.load(List.of(catalog)));

    ImageResolver.Resolved resolved = resolver.resolve(container("img:v1", null, List.of("--x")));

    assertThat(resolved.imageFolder()).isEqualTo(folder.toAbsolutePath().normalize());
    assertThat(resolved.command()).containsExactly("/pledge/image/entrypoint", "--x");
  }

  @Test
  void aCommandReplacesTheEntrypoint() throws Exception {
    image("img", false);
    Path catalog = catalogFor("img");
    ImageResolver resolver = new ImageResolver(() -> ImageCatalog.load(List.of(catalog)));

    ImageResolver.Resolved resolved =
        resolver.resolve(container("img:v1", List.of("sh", "-c"), List.of("echo hi")));

    assertThat(resolved.command()).containsExactly("sh", "-c", "echo hi");
  }

  @Test
  void anUnmappedImageFailsWithItsName() throws Exception {
    ImageResolver resolver = new ImageResolver(ImageCatalog::empty);

    assertThatThrownBy(() -> resolver.resolve(container("ghcr.io/acme/nope:v9", null, null)))
        .isInstanceOf(ImageResolver.UnknownImageException.class)
        .hasMessageContaining("ghcr.io/acme/nope:v9");
  }

  @Test
  void anEntrypointThatIsNotExecutableIsReported() throws Exception {
    image("img", false);
    Path catalog = catalogFor("img");
    ImageResolver resolver = new ImageResolver(() -> ImageCatalog.load(List.of(catalog)));

    assertThatThrownBy(() -> resolver.resolve(container("img:v1", null, null)))
        .isInstanceOf(ImageResolver.UnknownImageException.class)
        .hasMessageContaining("chmod +x");
  }

  @Test
  void looksAgainInTheCatalogsWhenAnImageIsMissing() throws Exception {
    image("late", true);
    Path file = dir.resolve("images.yaml");
    Files.writeString(file, "images: {}\n");
    ImageResolver resolver = new ImageResolver(() -> ImageCatalog.load(List.of(file)));
    assertThatThrownBy(() -> resolver.resolve(container("late:v1", null, null)))
        .isInstanceOf(ImageResolver.UnknownImageException.class);

    Files.writeString(file, "images:\n  late:v1: late\n");

    assertThat(resolver.resolve(container("late:v1", null, null)).command())
        .containsExactly("/pledge/image/entrypoint");
  }

  private Path catalogFor(String folder) throws Exception {
    return Files.writeString(dir.resolve("images.yaml"), "images:\n  img:v1: " + folder + "\n");
  }
}
