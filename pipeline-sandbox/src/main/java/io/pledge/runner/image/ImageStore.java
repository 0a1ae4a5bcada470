package io.pledge.runner.image;

import io.pledge.oci.ImageConfig;
import io.pledge.oci.ImageReference;
import io.pledge.oci.LayerScanner;
import io.pledge.oci.Manifest;
import io.pledge.oci.PullPolicy;
import io.pledge.oci.Skopeo;
import io.pledge.oci.ToolException;
import io.pledge.oci.Umoci;
import io.pledge.runner.sandbox.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * The runner's image cache: pulls images by reference, unpacks each once per manifest digest and
 * hands out read-only root filesystems to stages. See DESIGN.md ("Images") for the layout, the
 * locking and the eviction rules; in short:
 *
 * <ul>
 *   <li>{@code blobs/sha256/…}: skopeo's shared blob folder, content-addressed, so a layer two
 *       images share is downloaded once;
 *   <li>{@code images/<digest>/}: {@code rootfs/}, {@code image-config.json}, {@code record.json};
 *       made under {@code tmp/} and renamed into place, so a kill at any instant leaves either a
 *       complete image or nothing (start-up removes {@code tmp/} and {@code layouts/});
 *   <li>{@code refs/<hash of the reference>}: the digest a tag last resolved to, for {@code
 *       IfNotPresent}.
 * </ul>
 *
 * One pull per reference at a time in this process (others wait and then find it), many references
 * at once. Eviction, least recently used first, never removes an image a lease holds.
 */
public final class ImageStore {

  private static final Logger LOG = Logger.getLogger(ImageStore.class);

  /** The file in each image's folder that names its blobs; its time is the image's last use. */
  static final String RECORD = "record.json";

  /** The image's configuration document, beside its rootfs. */
  static final String IMAGE_CONFIG = "image-config.json";

  /**
   * Bounds and timing.
   *
   * @param root the cache folder
   * @param maxCacheBytes size of unpacked images plus blobs above which unused images are evicted
   * @param maxImageBytes largest image (its compressed layers plus configuration) pulled
   * @param maxManifestBytes largest manifest or index read
   * @param pullTimeout longest a pull may take, retries included
   * @param retryBackoff first pause before retrying a registry that did not answer (doubles)
   */
  public record Options(
      Path root,
      long maxCacheBytes,
      long maxImageBytes,
      long maxManifestBytes,
      Duration pullTimeout,
      Duration retryBackoff) {}

  /** An image ready to run. */
  public record Image(String reference, String digest, Path rootfs, ImageConfig config) {}

  /** Holds an image in the cache until closed. */
  public final class Lease implements AutoCloseable {
    private final Image image;
    private boolean closed;

    private Lease(Image image) {
      this.image = image;
      leases.computeIfAbsent(image.digest(), d -> new AtomicInteger()).incrementAndGet();
    }

    public Image image() {
      return image;
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        leases.get(image.digest()).decrementAndGet();
      }
    }
  }

  private final Skopeo skopeo;
  private final Options options;
  private final Path blobs;
  private final Path images;
  private final Path refs;
  private final Path tmp;
  private final Path layouts;
  private final Map<String, AtomicInteger> leases = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> pulling = new ConcurrentHashMap<>();
  // Pulls share it; eviction (which deletes blobs an unfinished pull may be using) takes it alone.
  private final ReentrantReadWriteLock evictionLock = new ReentrantReadWriteLock();
  private final AtomicInteger pulls = new AtomicInteger();
  private final CacheSpace space;
  private final ResolvedTags tags;
  private final ImageFetcher fetcher;

  public ImageStore(Skopeo skopeo, Umoci umoci, LayerScanner scanner, Options options) {
    this.skopeo = skopeo;
    this.options = options;
    Path root = options.root();
    this.blobs = root.resolve("blobs");
    this.images = root.resolve("images");
    this.refs = root.resolve("refs");
    this.tmp = root.resolve("tmp");
    this.layouts = root.resolve("layouts");
    this.space = new CacheSpace(images, blobs, tmp, options.maxCacheBytes());
    this.tags = new ResolvedTags(refs);
    this.fetcher = new ImageFetcher(skopeo, umoci, scanner, blobs, layouts, tmp, images);
    try {
      // What a killed pull left behind is incomplete by construction: never renamed into images/.
      Trees.delete(tmp);
      Trees.delete(layouts);
      for (Path dir : List.of(blobs, images, refs, tmp, layouts)) {
        Files.createDirectories(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the image cache under " + root, e);
    }
  }

  /** How many times an image was downloaded and unpacked (for tests and metrics). */
  public int pullCount() {
    return pulls.get();
  }

  /**
   * The image {@code reference} names, pulled if the policy says so, held until the lease closes.
   *
   * @param pullPolicy Kubernetes' {@code imagePullPolicy}, or null for the reference's default
   * @param cancelled stops waiting between retries
   */
  public Lease acquire(String reference, String pullPolicy, BooleanSupplier cancelled)
      throws ImagePullException {
    ImageReference ref;
    PullPolicy policy;
    try {
      ref = ImageReference.parse(reference);
      PullPolicy given = PullPolicy.parse(pullPolicy);
      policy = given == null ? ref.defaultPullPolicy() : given;
    } catch (IllegalArgumentException e) {
      throw new ImagePullException(e.getMessage());
    }
    Lease lease;
    try {
      lease = acquireUnderLocks(ref, policy, cancelled);
    } catch (ImagePullException e) {
      dropRefusedBlobs();
      throw e;
    }
    evictIfOver();
    return lease;
  }

  /** Pulls of one reference take turns; eviction waits for every pull to end. */
  private Lease acquireUnderLocks(ImageReference ref, PullPolicy policy, BooleanSupplier cancelled)
      throws ImagePullException {
    ReentrantLock lock = pulling.computeIfAbsent(ref.toString(), k -> new ReentrantLock());
    lock.lock();
    evictionLock.readLock().lock();
    try {
      return acquireLocked(ref, policy, cancelled);
    } finally {
      evictionLock.readLock().unlock();
      lock.unlock();
    }
  }

  /**
   * A refused image (a layer escaping the root, a digest mismatch) may have left downloaded blobs
   * that no cached image uses: nothing of it stays. Blobs are only removed with no pull running.
   */
  private void dropRefusedBlobs() {
    evictionLock.writeLock().lock();
    try {
      space.deleteUnreferencedBlobs();
    } catch (IOException e) {
      LOG.warnf("could not remove a refused image's blobs: %s", e.getMessage());
    } finally {
      evictionLock.writeLock().unlock();
    }
  }

  private Lease acquireLocked(ImageReference ref, PullPolicy policy, BooleanSupplier cancelled)
      throws ImagePullException {
    if (policy != PullPolicy.ALWAYS || ref.digest() != null) {
      Image cached = cached(ref);
      if (cached != null) {
        return new Lease(cached);
      }
    }
    if (policy == PullPolicy.NEVER) {
      throw new ImagePullException(
          "image " + ref + " is not present on this runner and its imagePullPolicy is Never");
    }
    Instant deadline = Instant.now().plus(options.pullTimeout());
    Duration pause = options.retryBackoff();
    while (true) {
      try {
        Manifest manifest = resolve(ref, deadline);
        Image image = load(manifest.digest(), ref.toString());
        if (image == null) {
          image = fetch(ref, manifest, deadline);
        }
        tags.remember(ref, manifest.digest());
        return new Lease(image);
      } catch (ToolException e) {
        Duration left = Duration.between(Instant.now(), deadline);
        if (!e.isTransient() || left.compareTo(pause) <= 0 || cancelled.getAsBoolean()) {
          // The tools' messages do not always say which image they were working on.
          String message =
              e.getMessage().contains(ref.toString())
                  ? e.getMessage()
                  : "image " + ref + ": " + e.getMessage();
          throw new ImagePullException(
              message + (e.isTransient() ? " (gave up after " + options.pullTimeout() + ")" : ""));
        }
        LOG.warnf("%s; retrying in %s", e.getMessage(), pause);
        sleep(pause);
        pause =
            pause.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0
                ? Duration.ofSeconds(10)
                : pause.multipliedBy(2);
      }
    }
  }

  /** The linux/amd64 image manifest {@code ref} names now, checked against the bounds. */
  private Manifest resolve(ImageReference ref, Instant deadline)
      throws ToolException, ImagePullException {
    Manifest manifest = read(ref, deadline);
    if (ref.digest() != null && !manifest.digest().equals(ref.digest())) {
      throw new ImagePullException(
          "image " + ref + ": the registry's manifest has digest " + manifest.digest());
    }
    if (manifest.index()) {
      manifest = read(ref.withDigest(manifest.platformDigest()), deadline);
    }
    if (manifest.declaredBytes() > options.maxImageBytes()) {
      throw new ImagePullException(
          "image "
              + ref
              + " is "
              + manifest.declaredBytes()
              + " bytes, over the limit of "
              + options.maxImageBytes()
              + " (pledge.runner.image-max-bytes)");
    }
    for (Manifest.Layer layer : manifest.layers()) {
      if (layer.size() < 0) {
        throw new ImagePullException("image " + ref + ": a layer declares no size");
      }
    }
    return manifest;
  }

  private Manifest read(ImageReference ref, Instant deadline)
      throws ToolException, ImagePullException {
    byte[] raw = skopeo.inspectRaw(ref, remaining(deadline));
    if (raw.length > options.maxManifestBytes()) {
      throw new ImagePullException(
          "image " + ref + ": its manifest is over " + options.maxManifestBytes() + " bytes");
    }
    try {
      return Manifest.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new ImagePullException("image " + ref + ": " + e.getMessage());
    }
  }

  /** Downloads, checks and unpacks one manifest's image into images/. */
  private Image fetch(ImageReference ref, Manifest manifest, Instant deadline)
      throws ToolException, ImagePullException {
    fetcher.fetch(ref, manifest, remaining(deadline));
    pulls.incrementAndGet();
    Image image = load(manifest.digest(), ref.toString());
    if (image == null) {
      throw new ImagePullException("image " + ref + " vanished from the cache after unpacking");
    }
    return image;
  }

  /** The cached image for {@code ref}: by its digest, or by the digest its tag last had. */
  private Image cached(ImageReference ref) {
    String digest = ref.digest();
    if (digest != null) {
      String platform = tags.digestOf(ref);
      Image image = load(platform != null ? platform : digest, ref.toString());
      return image != null ? image : load(digest, ref.toString());
    }
    String remembered = tags.digestOf(ref);
    return remembered == null ? null : load(remembered, ref.toString());
  }

  private Image load(String digest, String reference) {
    Path dir = images.resolve(hex(digest));
    Path rootfs = dir.resolve("rootfs");
    if (!Files.isDirectory(rootfs)) {
      return null;
    }
    try {
      Files.setLastModifiedTime(dir.resolve(RECORD), FileTime.from(Instant.now()));
      return new Image(reference, digest, rootfs, ImageConfig.read(dir.resolve(IMAGE_CONFIG)));
    } catch (IOException e) {
      LOG.warnf("cached image %s is unreadable (%s); pulling it again", digest, e.getMessage());
      return null;
    }
  }

  /** Evicts unused images, least recently used first, while the cache is over its bound. */
  void evictIfOver() {
    if (!evictionLock.writeLock().tryLock()) {
      return; // a pull is running; the next acquire evicts
    }
    try {
      space.evictIfOver(
          digest -> {
            AtomicInteger held = leases.get(digest);
            return held != null && held.get() > 0;
          });
    } catch (IOException e) {
      LOG.warnf("image cache eviction failed: %s", e.getMessage());
    } finally {
      evictionLock.writeLock().unlock();
    }
  }

  private static Duration remaining(Instant deadline) {
    Duration left = Duration.between(Instant.now(), deadline);
    return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
  }

  static String hex(String digest) {
    return digest.substring(digest.indexOf(':') + 1);
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
