package io.pledge.runner.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pledge.runner.sandbox.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The image cache's bound: what its unpacked images and blobs take, eviction of unused images least
 * recently used first, removal of blobs no cached image names. The caller guarantees that no pull
 * runs meanwhile (the store's eviction lock), since a pull's blobs are named by no image yet.
 */
final class CacheSpace {

  private static final Logger LOG = Logger.getLogger(CacheSpace.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path images;
  private final Path blobs;
  private final Path tmp;
  private final long maxBytes;
  // Bytes of each unpacked image (by folder name): an image never changes once in images/, so its
  // tree is walked once per process, not on every acquire.
  private final Map<String, Long> imageBytes = new ConcurrentHashMap<>();

  CacheSpace(Path images, Path blobs, Path tmp, long maxBytes) {
    this.images = images;
    this.blobs = blobs;
    this.tmp = tmp;
    this.maxBytes = maxBytes;
  }

  /** Evicts images {@code leased} does not hold, oldest use first, while over the bound. */
  void evictIfOver(Predicate<String> leased) throws IOException {
    List<Path> cached;
    try (Stream<Path> dirs = Files.list(images)) {
      cached = dirs.filter(d -> Files.isRegularFile(d.resolve(ImageStore.RECORD))).toList();
    }
    long total = Trees.size(blobs);
    for (Path dir : cached) {
      total += bytesOf(dir);
    }
    if (total <= maxBytes) {
      return;
    }
    List<Path> byAge =
        cached.stream().sorted((a, b) -> lastUsed(a).compareTo(lastUsed(b))).toList();
    for (Path dir : byAge) {
      if (total <= maxBytes) {
        break;
      }
      String digest = "sha256:" + dir.getFileName();
      if (leased.test(digest)) {
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
    deleteUnreferencedBlobs();
  }

  /** Removes the blobs no cached image's record names. */
  void deleteUnreferencedBlobs() throws IOException {
    Set<String> used = new HashSet<>();
    try (Stream<Path> dirs = Files.list(images)) {
      for (Path dir : dirs.toList()) {
        Path record = dir.resolve(ImageStore.RECORD);
        if (Files.isRegularFile(record)) {
          JSON.readTree(record.toFile())
              .path("blobs")
              .forEach(b -> used.add(ImageStore.hex(b.asText())));
        }
      }
    }
    Path sha = blobs.resolve("sha256");
    if (!Files.isDirectory(sha)) {
      return;
    }
    try (Stream<Path> files = Files.list(sha)) {
      for (Path blob : files.toList()) {
        if (!used.contains(blob.getFileName().toString())) {
          Files.deleteIfExists(blob);
        }
      }
    }
  }

  private long bytesOf(Path imageDir) {
    return imageBytes.computeIfAbsent(imageDir.getFileName().toString(), k -> Trees.size(imageDir));
  }

  private static FileTime lastUsed(Path dir) {
    try {
      return Files.getLastModifiedTime(dir.resolve(ImageStore.RECORD));
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
