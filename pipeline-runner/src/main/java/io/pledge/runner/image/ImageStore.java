package io.pledge.runner.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.oci.ImageConfig;
import io.pledge.oci.ImageReference;
import io.pledge.oci.LayerScanner;
import io.pledge.oci.Manifest;
import io.pledge.oci.PullPolicy;
import io.pledge.oci.Skopeo;
import io.pledge.oci.ToolException;
import io.pledge.oci.Umoci;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TAG = "pulled";

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
  private final Umoci umoci;
  private final LayerScanner scanner;
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
  // Bytes of each unpacked image (by folder name): an image never changes once in images/, so its
  // tree is walked once per process, not on every acquire.
  private final Map<String, Long> imageBytes = new ConcurrentHashMap<>();

  public ImageStore(Skopeo skopeo, Umoci umoci, LayerScanner scanner, Options options) {
    this.skopeo = skopeo;
    this.umoci = umoci;
    this.scanner = scanner;
    this.options = options;
    Path root = options.root();
    this.blobs = root.resolve("blobs");
    this.images = root.resolve("images");
    this.refs = root.resolve("refs");
    this.tmp = root.resolve("tmp");
    this.layouts = root.resolve("layouts");
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
    ReentrantLock lock = pulling.computeIfAbsent(ref.toString(), k -> new ReentrantLock());
    lock.lock();
    evictionLock.readLock().lock();
    Lease lease;
    try {
      lease = acquireLocked(ref, policy, cancelled);
    } catch (ImagePullException e) {
      evictionLock.readLock().unlock();
      lock.unlock();
      dropRefusedBlobs();
      throw e;
    } catch (RuntimeException | Error e) {
      evictionLock.readLock().unlock();
      lock.unlock();
      throw e;
    }
    evictionLock.readLock().unlock();
    lock.unlock();
    evictIfOver();
    return lease;
  }

  /**
   * A refused image (a layer escaping the root, a digest mismatch) may have left downloaded blobs
   * that no cached image uses: nothing of it stays. Blobs are only removed with no pull running.
   */
  private void dropRefusedBlobs() {
    evictionLock.writeLock().lock();
    try {
      deleteUnreferencedBlobs();
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
        remember(ref, manifest.digest());
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
    String hex = hex(manifest.digest());
    Path layout = layouts.resolve(hex + "-" + UUID.randomUUID());
    Path staging = tmp.resolve(hex + "-" + UUID.randomUUID());
    try {
      long started = System.nanoTime();
      skopeo.pull(ref.withDigest(manifest.digest()), layout, TAG, blobs, remaining(deadline));
      // umoci reads blobs from the layout itself: point it at the shared folder.
      Files.deleteIfExists(layout.resolve("blobs"));
      Files.createSymbolicLink(layout.resolve("blobs"), blobs);
      JsonNode stored = storedManifest(layout);
      List<Manifest.Layer> layers = new ArrayList<>();
      for (JsonNode l : stored.path("layers")) {
        layers.add(
            new Manifest.Layer(
                l.path("digest").asText(), l.path("size").asLong(), l.path("mediaType").asText()));
      }
      try {
        scanner.check(layers, blobs);
      } catch (LayerScanner.RefusedLayerException e) {
        throw new ImagePullException("image " + ref + ": " + e.getMessage());
      }
      umoci.unpack(layout, TAG, staging);
      Path configBlob =
          blobs.resolve(stored.path("config").path("digest").asText().replace(':', '/'));
      Files.copy(configBlob, staging.resolve("image-config.json"));
      ImageConfig config = ImageConfig.read(staging.resolve("image-config.json"));
      RootfsPreparation.prepare(staging.resolve("rootfs"), config.workingDir());
      List<String> used = new ArrayList<>();
      used.add(stored.path("config").path("digest").asText());
      layers.forEach(l -> used.add(l.digest()));
      used.add(indexManifestDigest(layout));
      ObjectNode record = JSON.createObjectNode();
      record.put("reference", ref.toString());
      record.put("digest", manifest.digest());
      record.set("blobs", JSON.valueToTree(used));
      Files.write(staging.resolve("record.json"), JSON.writeValueAsBytes(record));
      Path target = images.resolve(hex);
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        // A pull of the same digest under another reference finished first; its copy serves.
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the image cache needs one file system under " + options.root(), e);
      }
      pulls.incrementAndGet();
      LOG.infof(
          "pulled %s (%s, %d layers) in %d ms",
          ref, manifest.digest(), layers.size(), (System.nanoTime() - started) / 1_000_000);
      Image image = load(manifest.digest(), ref.toString());
      if (image == null) {
        throw new ImagePullException("image " + ref + " vanished from the cache after unpacking");
      }
      return image;
    } catch (IOException e) {
      throw new ImagePullException("image " + ref + " cannot be stored: " + e.getMessage());
    } finally {
      quietlyDelete(layout);
      quietlyDelete(staging);
    }
  }

  private static JsonNode storedManifest(Path layout) throws IOException, ImagePullException {
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    String digest = index.path("manifests").path(0).path("digest").asText("");
    if (!digest.startsWith("sha256:")) {
      throw new ImagePullException("the pulled layout names no manifest");
    }
    return JSON.readTree(layout.resolve("blobs").resolve(digest.replace(':', '/')).toFile());
  }

  private static String indexManifestDigest(Path layout) throws IOException {
    return JSON.readTree(layout.resolve("index.json").toFile())
        .path("manifests")
        .path(0)
        .path("digest")
        .asText();
  }

  /** The cached image for {@code ref}: by its digest, or by the digest its tag last had. */
  private Image cached(ImageReference ref) {
    String digest = ref.digest();
    if (digest != null) {
      String platform = rememberedDigest(ref);
      Image image = load(platform != null ? platform : digest, ref.toString());
      return image != null ? image : load(digest, ref.toString());
    }
    String remembered = rememberedDigest(ref);
    return remembered == null ? null : load(remembered, ref.toString());
  }

  private Image load(String digest, String reference) {
    Path dir = images.resolve(hex(digest));
    Path rootfs = dir.resolve("rootfs");
    if (!Files.isDirectory(rootfs)) {
      return null;
    }
    try {
      Files.setLastModifiedTime(dir.resolve("record.json"), FileTime.from(Instant.now()));
      return new Image(
          reference, digest, rootfs, ImageConfig.read(dir.resolve("image-config.json")));
    } catch (IOException e) {
      LOG.warnf("cached image %s is unreadable (%s); pulling it again", digest, e.getMessage());
      return null;
    }
  }

  private void remember(ImageReference ref, String digest) throws ImagePullException {
    Path file = refs.resolve(hex(Manifest.digestOf(ref.toString())));
    Path part = refs.resolve(file.getFileName() + "." + UUID.randomUUID() + ".part");
    try {
      Files.writeString(part, digest);
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      quietlyDelete(part);
      throw new ImagePullException("image " + ref + ": cannot record its digest: " + e);
    }
  }

  private String rememberedDigest(ImageReference ref) {
    Path file = refs.resolve(hex(Manifest.digestOf(ref.toString())));
    try {
      return Files.isRegularFile(file) ? Files.readString(file).trim() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Evicts unused images, least recently used first, while the cache is over its bound. */
  void evictIfOver() {
    if (!evictionLock.writeLock().tryLock()) {
      return; // a pull is running; the next acquire evicts
    }
    try {
      List<Path> cached;
      try (Stream<Path> dirs = Files.list(images)) {
        cached = dirs.filter(d -> Files.isRegularFile(d.resolve("record.json"))).toList();
      }
      long total = Trees.size(blobs);
      for (Path dir : cached) {
        total += bytesOf(dir);
      }
      if (total <= options.maxCacheBytes()) {
        return;
      }
      List<Path> byAge =
          cached.stream().sorted((a, b) -> lastUsed(a).compareTo(lastUsed(b))).toList();
      for (Path dir : byAge) {
        if (total <= options.maxCacheBytes()) {
          break;
        }
        String digest = "sha256:" + dir.getFileName();
        AtomicInteger held = leases.get(digest);
        if (held != null && held.get() > 0) {
          continue;
        }
        long size = bytesOf(dir);
        imageBytes.remove(dir.getFileName().toString());
        Path doomed = tmp.resolve("evicted-" + dir.getFileName() + "-" + UUID.randomUUID());
        Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
        Trees.delete(doomed);
        total -= size;
        LOG.infof("evicted image %s (%d bytes) from the cache", digest, size);
      }
      total -= deleteUnreferencedBlobs();
    } catch (IOException e) {
      LOG.warnf("image cache eviction failed: %s", e.getMessage());
    } finally {
      evictionLock.writeLock().unlock();
    }
  }

  private long bytesOf(Path imageDir) {
    return imageBytes.computeIfAbsent(imageDir.getFileName().toString(), k -> Trees.size(imageDir));
  }

  private long deleteUnreferencedBlobs() throws IOException {
    Set<String> used = new HashSet<>();
    try (Stream<Path> dirs = Files.list(images)) {
      for (Path dir : dirs.toList()) {
        Path record = dir.resolve("record.json");
        if (Files.isRegularFile(record)) {
          JSON.readTree(record.toFile()).path("blobs").forEach(b -> used.add(hex(b.asText())));
        }
      }
    }
    long freed = 0;
    Path sha = blobs.resolve("sha256");
    if (!Files.isDirectory(sha)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(sha)) {
      for (Path blob : files.toList()) {
        if (!used.contains(blob.getFileName().toString())) {
          freed += Files.size(blob);
          Files.deleteIfExists(blob);
        }
      }
    }
    return freed;
  }

  private static FileTime lastUsed(Path dir) {
    try {
      return Files.getLastModifiedTime(dir.resolve("record.json"));
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static Duration remaining(Instant deadline) {
    Duration left = Duration.between(Instant.now(), deadline);
    return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
  }

  private static String hex(String digest) {
    return digest.substring(digest.indexOf(':') + 1);
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void quietlyDelete(Path path) {
    try {
      Trees.delete(path);
    } catch (IOException e) {
      LOG.debugf("could not remove %s: %s", path, e.getMessage());
    }
  }
}
