package io.pledge.testkit.oci;

import io.pledge.oci.ContainersConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The examples' pipeline images, built from the checkout exactly as {@code deploy/local/images}
 * builds them (the tools base from Debian packages, then each example folder's Containerfile), and
 * pushed to a test registry under {@code pledge-io/examples}. The registries.conf it answers
 * mirrors {@code ghcr.io/pledge-io/examples} there, as the shipped one does.
 */
public final class ExampleImages {

  /** Where the examples' Promises name their images. */
  public static final String PREFIX = "ghcr.io/pledge-io/examples";

  private static final Map<String, String> IMAGES =
      Map.of(
          "examples/postgres/pipeline/configure", "postgres-configure:v1",
          "examples/postgres/pipeline/scan", "image-scanner:v1",
          "examples/compound/pipeline/app-configure", "app-configure:v1",
          "examples/compound/pipeline/backend-configure", "backend-configure:v1");

  private static Path published;

  private ExampleImages() {}

  /**
   * Builds and pushes the examples' images once per test JVM; answers the registries.conf that
   * resolves {@code ghcr.io/pledge-io/examples/...} to {@code registry}.
   *
   * @param checkout the project's root folder
   */
  public static synchronized Path publish(OciRegistry registry, Path checkout) {
    if (published != null) {
      return published;
    }
    try {
      Path work = Files.createTempDirectory("pledge-example-images");
      String location = registry.host() + "/pledge-io/examples";
      Path conf = RegistriesConf.mirror(work.resolve("registries.conf"), PREFIX, location);
      TestImages images =
          new TestImages(
              registry,
              work.resolve("build"),
              ContainersConfig.fromEnvironment(Map.of()).withRegistriesConf(conf));
      Path tools = checkout.resolve("examples/images/tools");
      run(tools.resolve("build-rootfs"), checkout);
      images.build(tools, location + "/tools:bookworm");
      for (Map.Entry<String, String> image : IMAGES.entrySet()) {
        images.build(checkout.resolve(image.getKey()), location + "/" + image.getValue());
      }
      published = conf;
      return conf;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void run(Path script, Path checkout) {
    try {
      Process p =
          new ProcessBuilder("bash", script.toString())
              .directory(checkout.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(script + " failed:\n" + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
