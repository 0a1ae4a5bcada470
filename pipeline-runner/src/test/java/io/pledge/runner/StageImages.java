package io.pledge.runner;

import io.pledge.oci.ContainersConfig;
import io.pledge.oci.ImageReference;
import io.pledge.oci.LayerScanner;
import io.pledge.oci.Skopeo;
import io.pledge.oci.Umoci;
import io.pledge.runner.image.ImageStore;
import io.pledge.testkit.oci.OciRegistry;
import io.pledge.testkit.oci.RegistriesConf;
import io.pledge.testkit.oci.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stage scripts as real images: each script becomes an image on the busybox base, pushed to the
 * shared test registry, and a registries.conf remaps the names the tests use ({@code
 * pledge.io/test/...}, short names on {@code docker.io}) to it, as a platform team remaps a
 * registry to its mirror.
 */
public final class StageImages {

  private final Path dir;
  private final TestImages images;
  private final Map<String, String> remaps = new LinkedHashMap<>();
  private final Path registriesConf;

  public StageImages(Path dir) {
    this.dir = dir;
    OciRegistry registry = OciRegistry.shared();
    this.images = new TestImages(registry, dir.resolve("build"));
    this.registriesConf = dir.resolve("registries.conf");
    RegistriesConf.remap(registriesConf, remaps);
  }

  /** Publishes {@code image} (as the Promise names it) with {@code script} as its ENTRYPOINT. */
  public StageImages add(String image, String script) {
    ImageReference ref = ImageReference.parse(image);
    String location = images.registry().host() + "/" + ref.registry();
    remaps.put(ref.registry(), location);
    RegistriesConf.remap(registriesConf, remaps);
    String target = location + "/" + ref.repository() + ":" + ref.tag();
    String built = images.script(target.substring(images.registry().host().length() + 1), script);
    if (!built.equals(target)) {
      throw new IllegalStateException(built + " != " + target);
    }
    return this;
  }

  /** The registries.conf that resolves the added images. */
  public Path registriesConf() {
    return registriesConf;
  }

  /** An image cache under this folder that pulls through {@link #registriesConf()}. */
  public ImageStore store() {
    return store(dir.resolve("cache"), Duration.ofSeconds(30));
  }

  public ImageStore store(Path root, Duration pullTimeout) {
    return store(
        root,
        pullTimeout,
        ContainersConfig.fromEnvironment(Map.of()).withRegistriesConf(registriesConf));
  }

  /** A store with these containers settings. */
  public static ImageStore store(Path root, Duration pullTimeout, ContainersConfig config) {
    return new ImageStore(
        new Skopeo(Path.of("/usr/bin/skopeo"), config),
        new Umoci(Path.of("/usr/bin/umoci"), pullTimeout),
        new LayerScanner(100_000, 1L << 30),
        new ImageStore.Options(
            root, 1L << 32, 1L << 30, 4 << 20, pullTimeout, Duration.ofMillis(200)));
  }
}
