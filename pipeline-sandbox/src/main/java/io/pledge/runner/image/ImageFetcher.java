package io.pledge.runner.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.oci.ImageConfig;
import io.pledge.oci.ImageReference;
import io.pledge.oci.LayerScanner;
import io.pledge.oci.Manifest;
import io.pledge.oci.Skopeo;
import io.pledge.oci.ToolException;
import io.pledge.oci.Umoci;
import io.pledge.runner.sandbox.Trees;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Brings one image manifest into the cache: skopeo copies it into a fresh OCI layout (its blobs in
 * the shared, content-addressed folder), the layers are checked, umoci unpacks them under {@code
 * tmp/}, and the finished folder is renamed into {@code images/<digest>}: a kill at any instant
 * leaves a complete image or nothing.
 */
final class ImageFetcher {

  private static final Logger LOG = Logger.getLogger(ImageFetcher.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TAG = "pulled";

  private final Skopeo skopeo;
  private final Umoci umoci;
  private final LayerScanner scanner;
  private final Path blobs;
  private final Path layouts;
  private final Path tmp;
  private final Path images;

  ImageFetcher(
      Skopeo skopeo,
      Umoci umoci,
      LayerScanner scanner,
      Path blobs,
      Path layouts,
      Path tmp,
      Path images) {
    this.skopeo = skopeo;
    this.umoci = umoci;
    this.scanner = scanner;
    this.blobs = blobs;
    this.layouts = layouts;
    this.tmp = tmp;
    this.images = images;
  }

  /** Downloads, checks and unpacks {@code manifest}'s image into {@code images/}. */
  void fetch(ImageReference ref, Manifest manifest, Duration timeout)
      throws ToolException, ImagePullException {
    String hex = ImageStore.hex(manifest.digest());
    Path layout = layouts.resolve(hex + "-" + UUID.randomUUID());
    Path staging = tmp.resolve(hex + "-" + UUID.randomUUID());
    try {
      long started = System.nanoTime();
      skopeo.pull(ref.withDigest(manifest.digest()), layout, TAG, blobs, timeout);
      // umoci reads blobs from the layout itself: point it at the shared folder.
      Files.deleteIfExists(layout.resolve("blobs"));
      Files.createSymbolicLink(layout.resolve("blobs"), blobs);
      String storedDigest = storedManifestDigest(layout);
      JsonNode stored = JSON.readTree(blobs.resolve(storedDigest.replace(':', '/')).toFile());
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
      String configDigest = stored.path("config").path("digest").asText();
      Files.copy(
          blobs.resolve(configDigest.replace(':', '/')), staging.resolve(ImageStore.IMAGE_CONFIG));
      ImageConfig config = ImageConfig.read(staging.resolve(ImageStore.IMAGE_CONFIG));
      RootfsPreparation.prepare(staging.resolve("rootfs"), config.workingDir());
      List<String> used = new ArrayList<>();
      used.add(configDigest);
      layers.forEach(l -> used.add(l.digest()));
      used.add(storedDigest);
      ObjectNode record = JSON.createObjectNode();
      record.put("reference", ref.toString());
      record.put("digest", manifest.digest());
      record.set("blobs", JSON.valueToTree(used));
      Files.write(staging.resolve(ImageStore.RECORD), JSON.writeValueAsBytes(record));
      try {
        Files.move(staging, images.resolve(hex), StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        // A pull of the same digest under another reference finished first; its copy serves.
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the image cache needs one file system", e);
      }
      LOG.infof(
          "pulled %s (%s, %d layers) in %d ms",
          ref, manifest.digest(), layers.size(), (System.nanoTime() - started) / 1_000_000);
    } catch (IOException e) {
      throw new ImagePullException("image " + ref + " cannot be stored: " + e.getMessage());
    } finally {
      quietlyDelete(layout);
      quietlyDelete(staging);
    }
  }

  /** The digest of the manifest skopeo stored in the layout (its index's only entry). */
  private static String storedManifestDigest(Path layout) throws IOException, ImagePullException {
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    String digest = index.path("manifests").path(0).path("digest").asText("");
    if (!digest.startsWith("sha256:")) {
      throw new ImagePullException("the pulled layout names no manifest");
    }
    return digest;
  }

  static void quietlyDelete(Path path) {
    try {
      Trees.delete(path);
    } catch (IOException e) {
      LOG.debugf("could not remove %s: %s", path, e.getMessage());
    }
  }
}
