package io.pledge.runner.image;

import io.pledge.oci.ImageReference;
import io.pledge.oci.Manifest;
import io.pledge.runner.sandbox.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * {@code refs/<hash of the reference>}: the image manifest digest each reference last resolved to,
 * so that {@code IfNotPresent} finds a tag's image without asking the registry. Each file is
 * replaced atomically: a kill leaves the old digest or the new one.
 */
final class ResolvedTags {

  private final Path refs;

  ResolvedTags(Path refs) {
    this.refs = refs;
  }

  void remember(ImageReference ref, String digest) throws ImagePullException {
    Path file = fileOf(ref);
    Path part = refs.resolve(file.getFileName() + "." + UUID.randomUUID() + ".part");
    try {
      Files.writeString(part, digest);
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      try {
        Trees.delete(part);
      } catch (IOException ignored) {
        // a stray .part file is never read
      }
      throw new ImagePullException("image " + ref + ": cannot record its digest: " + e);
    }
  }

  /** The digest {@code ref} last resolved to, or null. */
  String digestOf(ImageReference ref) {
    Path file = fileOf(ref);
    try {
      return Files.isRegularFile(file) ? Files.readString(file).trim() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private Path fileOf(ImageReference ref) {
    return refs.resolve(ImageStore.hex(Manifest.digestOf(ref.toString())));
  }
}
