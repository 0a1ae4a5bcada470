package io.pledge.runner.image;

import static io.pledge.runner.image.HandmadeImages.Entry.dir;
import static io.pledge.runner.image.HandmadeImages.Entry.file;
import static io.pledge.runner.image.HandmadeImages.Entry.hardlink;
import static io.pledge.runner.image.HandmadeImages.Entry.symlink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.oci.ContainersConfig;
import io.pledge.oci.LayerScanner;
import io.pledge.oci.Manifest;
import io.pledge.oci.Skopeo;
import io.pledge.oci.Umoci;
import io.pledge.runner.sandbox.Trees;
import io.pledge.testkit.oci.OciRegistry;
import io.pledge.testkit.oci.RegistriesConf;
import io.pledge.testkit.oci.TestImages;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image cache against a real registry (docker-registry) with images built here: pulling,
 * caching per digest, pull policies, bounds, refusals, credentials, concurrency and crash safety.
 */
class ImageStoreTest {

  static final Duration PULL_TIMEOUT = Duration.ofSeconds(30);
  static final ContainersConfig OPEN = ContainersConfig.fromEnvironment(Map.of());

  @TempDir Path dir;
  final OciRegistry registry = OciRegistry.shared();
  TestImages images;
  Path cache;
  final List<ImageStore.Lease> leases = new ArrayList<>();

  @BeforeEach
  void setUp() {
    images = new TestImages(registry, dir.resolve("build"));
    cache = dir.resolve("cache");
  }

  @AfterEach
  void release() {
    leases.forEach(ImageStore.Lease::close);
  }

  static ImageStore store(Path root, ContainersConfig config, long maxCache, long maxImage) {
    return new ImageStore(
        new Skopeo(Path.of("/usr/bin/skopeo"), config),
        new Umoci(Path.of("/usr/bin/umoci"), PULL_TIMEOUT),
        new LayerScanner(100_000, 1L << 30),
        new ImageStore.Options(
            root, maxCache, maxImage, 4 << 20, PULL_TIMEOUT, Duration.ofMillis(200)));
  }

  ImageStore store() {
    return store(cache, OPEN, 1L << 32, 1L << 30);
  }

  ImageStore.Image acquire(ImageStore store, String ref, String policy) throws Exception {
    ImageStore.Lease lease = store.acquire(ref, policy, () -> false);
    leases.add(lease);
    return lease.image();
  }

  String unique(String name) {
    return name + "-" + Long.toHexString(System.nanoTime());
  }

  static List<String> cachedImages(Path cache) throws IOException {
    try (Stream<Path> dirs = Files.list(cache.resolve("images"))) {
      return dirs.map(p -> "sha256:" + p.getFileName()).sorted().toList();
    }
  }

  static long blobCount(Path cache) throws IOException {
    Path sha = cache.resolve("blobs/sha256");
    if (!Files.isDirectory(sha)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(sha)) {
      return files.count();
    }
  }

  @Test
  void pullsOnceAndUnpacksTheImageAsItsRootFilesystem() throws Exception {
    String ref = images.script(unique("cache/hello") + ":v1", "#!/bin/sh\necho hello\n");
    ImageStore store = store();

    ImageStore.Image first = acquire(store, ref, null);
    ImageStore.Image second = acquire(store, ref, null);

    assertThat(store.pullCount()).isEqualTo(1);
    assertThat(first.digest()).isEqualTo(Manifest.digestOf(HandmadeImages.rawManifest(ref)));
    assertThat(second.rootfs()).isEqualTo(first.rootfs());
    assertThat(first.rootfs().resolve("usr/local/bin/entrypoint")).content().contains("echo hello");
    assertThat(first.rootfs().resolve("bin/busybox")).isRegularFile();
    assertThat(first.config().entrypoint()).containsExactly("/usr/local/bin/entrypoint");
    assertThat(cachedImages(cache)).containsExactly(first.digest());
  }

  @Test
  void twoConcurrentRunsOfTheSameImageDownloadItOnce() throws Exception {
    String ref = images.script(unique("cache/concurrent") + ":v1", "#!/bin/sh\necho twice\n");
    Manifest manifest = Manifest.parse(HandmadeImages.rawManifest(ref));
    ImageStore store = store();
    int fetchesBefore = registry.blobFetches();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<ImageStore.Lease>> runs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        runs.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.acquire(ref, null, () -> false);
                }));
      }
      start.countDown();
      for (Future<ImageStore.Lease> run : runs) {
        leases.add(run.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(store.pullCount()).isEqualTo(1);
    assertThat(leases.get(0).image().digest()).isEqualTo(leases.get(1).image().digest());
    // Each layer and the configuration crossed the wire once.
    assertThat(registry.blobFetches() - fetchesBefore).isEqualTo(manifest.layers().size() + 1);
  }

  @Test
  void pullPoliciesFollowKubernetes() throws Exception {
    String name = unique("cache/policy");
    String ref = images.script(name + ":v1", "#!/bin/sh\necho one\n");
    ImageStore store = store();

    assertThatThrownBy(() -> acquire(store, ref, "Never"))
        .isInstanceOf(ImagePullException.class)
        .hasMessageContaining(ref)
        .hasMessageContaining("Never");
    ImageStore.Image v1 = acquire(store, ref, "IfNotPresent");
    assertThat(acquire(store, ref, "Never").digest()).isEqualTo(v1.digest());

    // The tag moves to new content: IfNotPresent keeps what it has, Always looks again.
    images.script(name + ":v1", "#!/bin/sh\necho two\n");
    assertThat(acquire(store, ref, "IfNotPresent").digest()).isEqualTo(v1.digest());
    ImageStore.Image moved = acquire(store, ref, "Always");
    assertThat(moved.digest()).isNotEqualTo(v1.digest());
    assertThat(moved.rootfs().resolve("usr/local/bin/entrypoint")).content().contains("echo two");
    assertThat(store.pullCount()).isEqualTo(2);
  }

  @Test
  void anImageByDigestIsTheOneWithThatDigest() throws Exception {
    String name = unique("cache/pinned");
    String ref = images.script(name + ":v1", "#!/bin/sh\necho pinned\n");
    String digest = Manifest.digestOf(HandmadeImages.rawManifest(ref));
    images.script(name + ":v1", "#!/bin/sh\necho moved\n");
    ImageStore store = store();

    ImageStore.Image pinned = acquire(store, registry.reference(name) + "@" + digest, null);

    assertThat(pinned.digest()).isEqualTo(digest);
    assertThat(pinned.rootfs().resolve("usr/local/bin/entrypoint"))
        .content()
        .contains("echo pinned");
  }

  @Test
  void aMultiArchIndexResolvesToItsLinuxAmd64Image() throws Exception {
    String name = unique("cache/multi");
    String arm = images.script(name + ":arm64", "#!/bin/sh\necho arm64\n");
    String amd = images.script(name + ":amd64", "#!/bin/sh\necho amd64\n");
    byte[] amdManifest = HandmadeImages.rawManifest(amd);
    // arm64 first: the choice is by platform, not by position.
    HandmadeImages.putIndex(
        registry.host(),
        name,
        "v1",
        List.of("linux/arm64", "linux/amd64"),
        List.of(HandmadeImages.rawManifest(arm), amdManifest));

    ImageStore.Image image = acquire(store(), registry.reference(name) + ":v1", null);

    assertThat(image.digest()).isEqualTo(Manifest.digestOf(amdManifest));
    assertThat(image.rootfs().resolve("usr/local/bin/entrypoint")).content().contains("amd64");
  }

  @Test
  void aWhiteoutDeletesALowerLayersFile() throws Exception {
    String ref = registry.reference(unique("cache/whiteout") + ":v1");
    HandmadeImages.push(
        dir,
        ref,
        List.of(
            HandmadeImages.layer(dir("etc/"), file("etc/lower.txt", "x"), file("etc/kept", "k")),
            HandmadeImages.layer(dir("etc/"), file("etc/.wh.lower.txt", ""))));

    ImageStore.Image image = acquire(store(), ref, null);

    assertThat(image.rootfs().resolve("etc/lower.txt")).doesNotExist();
    assertThat(image.rootfs().resolve("etc/.wh.lower.txt")).doesNotExist();
    assertThat(image.rootfs().resolve("etc/kept")).hasContent("k");
  }

  @Test
  void anOpaqueDirectoryHidesEverythingBelowIt() throws Exception {
    String ref = registry.reference(unique("cache/opaque") + ":v1");
    HandmadeImages.push(
        dir,
        ref,
        List.of(
            HandmadeImages.layer(dir("opt/"), file("opt/old-a", "a"), file("opt/old-b", "b")),
            HandmadeImages.layer(dir("opt/"), file("opt/.wh..wh..opq", ""), file("opt/new", "n"))));

    ImageStore.Image image = acquire(store(), ref, null);

    try (Stream<Path> files = Files.list(image.rootfs().resolve("opt"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("new");
    }
  }

  @Test
  void aLayerThatWouldLeaveTheRootIsRefusedAndNothingIsCached() throws Exception {
    String outside = "pledge-escape-" + System.nanoTime();
    List<byte[]> attacks =
        List.of(
            HandmadeImages.layer(file("../../../../tmp/" + outside, "pwned")),
            HandmadeImages.layer(
                symlink("etc", "/tmp"), file("etc/" + outside, "written through a link")),
            HandmadeImages.layer(hardlink("passwd", "../../../../etc/passwd")));
    ImageStore store = store();
    for (byte[] attack : attacks) {
      String ref = registry.reference(unique("cache/escape") + ":v1");
      HandmadeImages.push(dir, ref, List.of(attack));

      assertThatThrownBy(() -> acquire(store, ref, null))
          .isInstanceOf(ImagePullException.class)
          .hasMessageContaining(ref);
    }

    assertThat(Path.of("/tmp", outside)).doesNotExist();
    assertThat(cachedImages(cache)).isEmpty();
    assertThat(blobCount(cache)).isZero();
    assertThat(store.pullCount()).isZero();
  }

  @Test
  void anImageOverTheSizeBoundIsRefusedBeforeDownload() throws Exception {
    String ref = images.script(unique("cache/large") + ":v1", "#!/bin/sh\necho big\n");
    ImageStore store = store(cache, OPEN, 1L << 32, 100_000);

    assertThatThrownBy(() -> acquire(store, ref, null))
        .isInstanceOf(ImagePullException.class)
        .hasMessageContaining(ref)
        .hasMessageContaining("pledge.runner.image-max-bytes");
    assertThat(cachedImages(cache)).isEmpty();
    assertThat(blobCount(cache)).isZero();
  }

  @Test
  void badReferencesAndUnknownImagesFailAtOnceNamingThem() throws Exception {
    ImageStore store = store();
    String missing = registry.reference(unique("cache/nothing-here") + ":v1");
    String wrongDigest = registry.reference("pledge-test/busybox") + "@sha256:" + "0".repeat(64);
    images.busybox();

    long started = System.nanoTime();
    assertThatThrownBy(() -> acquire(store, "Not A Reference:v1", null))
        .isInstanceOf(ImagePullException.class)
        .hasMessageContaining("Not A Reference:v1");
    assertThatThrownBy(() -> acquire(store, missing, null))
        .isInstanceOf(ImagePullException.class)
        .hasMessageContaining(missing)
        .hasMessageContaining("manifest unknown");
    assertThatThrownBy(() -> acquire(store, wrongDigest, null))
        .isInstanceOf(ImagePullException.class)
        .hasMessageContaining(wrongDigest);

    // Permanent answers are not retried until the pull timeout.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertThat(cachedImages(cache)).isEmpty();
  }

  @Test
  void aRegistryThatIsDownFailsWithinThePullTimeoutAfterRetrying() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String ref = "127.0.0.1:" + port + "/team/configure:v1";
    ImageStore store =
        new ImageStore(
            new Skopeo(Path.of("/usr/bin/skopeo"), OPEN),
            new Umoci(Path.of("/usr/bin/umoci"), PULL_TIMEOUT),
            new LayerScanner(100_000, 1L << 30),
            new ImageStore.Options(
                cache, 1L << 32, 1L << 30, 4 << 20, Duration.ofSeconds(3), Duration.ofMillis(200)));

    long started = System.nanoTime();
    assertThatThrownBy(() -> acquire(store, ref, null))
        .isInstanceOf(ImagePullException.class)
        .hasMessageContaining(ref)
        .hasMessageContaining("connection refused")
        .hasMessageContaining("gave up after PT3S");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    // Retried with growing pauses (200 + 400 + 800 ms: the next, 1.6 s, would pass the 3 s
    // budget), which sleep at least that long however fast the attempts fail; and given up well
    // before a hung call would have ended.
    assertThat(took).isBetween(Duration.ofMillis(1400), Duration.ofSeconds(8));
  }

  @Test
  void aPrivateRegistryIsReachedWithTheAuthFilesCredentials() throws Exception {
    try (OciRegistry secured = OciRegistry.start(dir.resolve("secured"), "platform", "s3cret")) {
      Path authFile = dir.resolve("auth.json");
      String basic =
          java.util.Base64.getEncoder()
              .encodeToString("platform:s3cret".getBytes(StandardCharsets.UTF_8));
      Files.writeString(
          authFile, "{\"auths\": {\"" + secured.host() + "\": {\"auth\": \"" + basic + "\"}}}");
      ContainersConfig withCredentials = OPEN.withAuthFile(authFile);
      TestImages privateImages =
          new TestImages(secured, dir.resolve("secured-build"), withCredentials);
      String ref = privateImages.script("team/secret:v1", "#!/bin/sh\necho private\n");

      assertThatThrownBy(() -> acquire(store(cache, OPEN, 1L << 32, 1L << 30), ref, null))
          .isInstanceOf(ImagePullException.class)
          .hasMessageContaining(ref)
          .hasMessageContaining("authentication required");
      ImageStore.Image image =
          acquire(store(dir.resolve("cache2"), withCredentials, 1L << 32, 1L << 30), ref, null);
      assertThat(image.rootfs().resolve("usr/local/bin/entrypoint")).content().contains("private");
    }
  }

  @Test
  void registriesConfRemapsAndBlocksAsTheContainersToolsDo() throws Exception {
    String name = unique("mirrored/configure");
    images.script(name + ":v1", "#!/bin/sh\necho mirrored\n");
    Path conf =
        RegistriesConf.remap(
            dir.resolve("registries.conf"), Map.of("registry.example.com", registry.host()));
    Files.writeString(
        conf,
        Files.readString(conf)
            + "\n[[registry]]\nprefix = \"blocked.example.com\"\nlocation ="
            + " \"blocked.example.com\"\nblocked = true\n");
    ContainersConfig config = OPEN.withRegistriesConf(conf);
    ImageStore store = store(cache, config, 1L << 32, 1L << 30);

    ImageStore.Image image = acquire(store, "registry.example.com/" + name + ":v1", null);

    assertThat(image.rootfs().resolve("usr/local/bin/entrypoint")).content().contains("mirrored");
    assertThatThrownBy(() -> acquire(store, "blocked.example.com/team/x:v1", null))
        .isInstanceOf(ImagePullException.class)
        .hasMessageContaining("blocked.example.com/team/x:v1")
        .hasMessageContaining("blocked");
  }

  @Test
  void evictionRemovesTheLeastRecentlyUsedImageButNeverALeasedOne() throws Exception {
    String a = images.script(unique("cache/evict-a") + ":v1", "#!/bin/sh\necho a\n");
    String b = images.script(unique("cache/evict-b") + ":v1", "#!/bin/sh\necho b\n");
    String c = images.script(unique("cache/evict-c") + ":v1", "#!/bin/sh\necho c\n");
    ImageStore filling = store();
    try (ImageStore.Lease la = filling.acquire(a, null, () -> false);
        ImageStore.Lease lb = filling.acquire(b, null, () -> false)) {
      // Both now cached and released.
    }
    Thread.sleep(20);
    String digestA;
    try (ImageStore.Lease again = filling.acquire(a, null, () -> false)) {
      digestA = again.image().digest(); // a is now more recent than b
    }
    long twoImages = Trees.size(cache.resolve("images")) + Trees.size(cache.resolve("blobs"));
    List<String> before = cachedImages(cache);

    // Room for two images: c pushes out b, the least recently used.
    ImageStore bounded = store(cache, OPEN, twoImages + 4096, 1L << 30);
    ImageStore.Image imageC = acquire(bounded, c, null);
    assertThat(cachedImages(cache)).containsExactlyInAnyOrder(digestA, imageC.digest());
    assertThat(before).contains(digestA).hasSize(2);

    // Room for nothing: only leased images stay.
    ImageStore tiny = store(cache, OPEN, 1, 1L << 30);
    try (ImageStore.Lease held = tiny.acquire(a, null, () -> false)) {
      leases.forEach(ImageStore.Lease::close);
      leases.clear();
      acquire(tiny, b, null).digest();
      assertThat(cachedImages(cache)).contains(held.image().digest());
      assertThat(held.image().rootfs().resolve("usr/local/bin/entrypoint")).exists();
    }
  }

  @Test
  void aRunnerKilledMidPullStartsCleanAndPullsTheImageWhole() throws Exception {
    // Big enough (40 MB of noise) that the pull is still under way when the process is killed.
    Path context = Files.createDirectories(dir.resolve("big"));
    byte[] noise = new byte[40 << 20];
    new Random(7).nextBytes(noise);
    Files.write(context.resolve("noise.bin"), noise);
    Files.writeString(
        context.resolve("Containerfile"), "FROM " + images.busybox() + "\nCOPY noise.bin /data/\n");
    String ref = registry.reference(unique("cache/big") + ":v1");
    images.build(context, ref);

    Process pull =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PullProcess.class.getName(),
                cache.toString(),
                ref)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("pull.log").toFile())
            .start();
    awaitPullUnderWay(pull);
    List<ProcessHandle> tools = pull.descendants().toList();
    pull.destroyForcibly(); // SIGKILL, and the tools with it, as a pod's cgroup dies
    tools.forEach(ProcessHandle::destroyForcibly);
    pull.waitFor(10, TimeUnit.SECONDS);
    assertThat(cachedImages(cache)).as("the pull finished before the kill").isEmpty();

    ImageStore restarted = store();
    assertThat(Files.list(cache.resolve("tmp")).count()).isZero();
    assertThat(Files.list(cache.resolve("layouts")).count()).isZero();
    ImageStore.Image image = acquire(restarted, ref, null);

    assertThat(Files.size(image.rootfs().resolve("data/noise.bin"))).isEqualTo(noise.length);
    assertThat(Files.readAllBytes(image.rootfs().resolve("data/noise.bin"))).isEqualTo(noise);
    assertThat(restarted.pullCount()).isEqualTo(1);
    assertThat(Files.list(cache.resolve("layouts")).count()).isZero();
  }

  private void awaitPullUnderWay(Process pull) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      assertThat(pull.isAlive()).as("the pulling process ended early").isTrue();
      if (nonEmpty(cache.resolve("layouts")) || nonEmpty(cache.resolve("tmp"))) {
        Thread.sleep(100);
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("the pull never started");
  }

  private static boolean nonEmpty(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.findAny().isPresent();
    }
  }

  /** A runner's pull in a process of its own, so that the test can SIGKILL it. */
  public static final class PullProcess {
    public static void main(String[] args) throws Exception {
      ImageStore store = store(Path.of(args[0]), OPEN, 1L << 32, 1L << 30);
      try (ImageStore.Lease lease = store.acquire(args[1], null, () -> false);
          OutputStream out = System.out) {
        out.write(("pulled " + lease.image().digest() + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }
}
