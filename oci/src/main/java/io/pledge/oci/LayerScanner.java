package io.pledge.oci;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an image's layers, in order, before anything is unpacked, and refuses the ones a careful
 * unpacker should never be asked to apply: names that climb out of the root ({@code ../}), hard
 * links to outside it, writes through a symbolic link that points outside the image or to an
 * absolute path (the classic unpack escape), and more entries or bytes than the bounds allow. umoci
 * would contain such entries inside the root; refusing them makes a hostile image a failed run with
 * a reason instead of a surprise in the cache.
 */
public final class LayerScanner {

  /** A layer that must not be unpacked; the message names the layer and the entry. */
  public static final class RefusedLayerException extends Exception {
    public RefusedLayerException(String message) {
      super(message);
    }
  }

  /** Links followed in one path before giving up, as Linux does (ELOOP). */
  private static final int MAX_LINKS = 40;

  private final long maxEntries;
  private final long maxUnpackedBytes;

  /**
   * @param maxEntries most entries over all layers
   * @param maxUnpackedBytes most uncompressed bytes of file content over all layers
   */
  public LayerScanner(long maxEntries, long maxUnpackedBytes) {
    this.maxEntries = maxEntries;
    this.maxUnpackedBytes = maxUnpackedBytes;
  }

  /** Checks the layers (blob files with their media types) in order. */
  public void check(List<Manifest.Layer> layers, Path blobs) throws RefusedLayerException {
    Map<String, String> symlinks = new HashMap<>();
    long entries = 0;
    long bytes = 0;
    for (Manifest.Layer layer : layers) {
      Path blob = blobs.resolve(layer.digest().replace(':', '/'));
      try (InputStream raw = new BufferedInputStream(Files.newInputStream(blob));
          TarArchiveInputStream tar = new TarArchiveInputStream(decompress(raw, layer))) {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          if (++entries > maxEntries) {
            throw refused(layer, "the image has more than " + maxEntries + " entries");
          }
          bytes += Math.max(0, entry.getSize());
          if (bytes > maxUnpackedBytes) {
            throw refused(layer, "the image unpacks to more than " + maxUnpackedBytes + " bytes");
          }
          String path = inside(layer, entry.getName());
          String name = path.substring(path.lastIndexOf('/') + 1);
          // Where the entry really lands once the links unpacked so far are followed; links are
          // remembered by that real path, since that is where later entries find them.
          String dir = realParent(layer, "entry '" + path + "' would be written", path, symlinks);
          String real = dir + name;
          if (name.startsWith(".wh.")) {
            // A whiteout removes a lower entry (an opaque one, everything in the folder).
            String gone = name.equals(".wh..wh..opq") ? dir : dir + name.substring(".wh.".length());
            symlinks
                .keySet()
                .removeIf(
                    p ->
                        p.equals(gone)
                            || p.startsWith(gone + "/")
                            || (gone.endsWith("/") && p.startsWith(gone)));
            continue;
          }
          if (entry.isLink()) {
            String target = inside(layer, entry.getLinkName());
            realParent(
                layer,
                "hard link '" + path + "' to '" + entry.getLinkName() + "' would point",
                target,
                symlinks);
          }
          if (entry.isSymbolicLink()) {
            symlinks.put(real, entry.getLinkName());
          } else {
            symlinks.remove(real);
          }
        }
      } catch (IOException e) {
        throw refused(layer, "it is not a readable tar archive (" + e.getMessage() + ")");
      }
    }
  }

  private static InputStream decompress(InputStream raw, Manifest.Layer layer)
      throws IOException, RefusedLayerException {
    String type = layer.mediaType();
    if (type.endsWith("+zstd") || type.endsWith(".zstd")) {
      throw refused(layer, "zstd layers are not supported here (umoci unpacks gzip and plain tar)");
    }
    raw.mark(2);
    int b1 = raw.read();
    int b2 = raw.read();
    raw.reset();
    return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(raw, 65536) : raw;
  }

  /** The entry's path relative to the root, normalized; refuses one that climbs out. */
  private static String inside(Manifest.Layer layer, String name) throws RefusedLayerException {
    Deque<String> parts = new ArrayDeque<>();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          throw refused(layer, "entry '" + name + "' would be written outside the image's root");
        }
        parts.removeLast();
      } else {
        parts.addLast(part);
      }
    }
    return String.join("/", parts);
  }

  /**
   * The folder {@code path} lands in ({@code ""} for the root, else ending in {@code /}) once the
   * symbolic links seen so far are followed, as the kernel would; refuses a path that this takes
   * out of the root, or through a link to an absolute path (the host's, to a careless unpacker).
   */
  private static String realParent(
      Manifest.Layer layer, String what, String path, Map<String, String> links)
      throws RefusedLayerException {
    Deque<String> pending = new ArrayDeque<>(Arrays.asList(path.split("/")));
    pending.pollLast(); // the entry itself is replaced, not followed
    Deque<String> real = new ArrayDeque<>();
    String via = null;
    int hops = 0;
    while (!pending.isEmpty()) {
      String part = pending.removeFirst();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        // Only a link's target can climb: entry names are normalized by inside().
        if (real.pollLast() == null) {
          throw refused(layer, what + " through the symbolic link " + via);
        }
        continue;
      }
      real.addLast(part);
      String prefix = String.join("/", real);
      String target = links.get(prefix);
      if (target == null) {
        continue;
      }
      via = "'" + prefix + "' -> '" + target + "'";
      if (target.startsWith("/")) {
        throw refused(layer, what + " through the symbolic link " + via);
      }
      if (++hops > MAX_LINKS) {
        throw refused(layer, what + " through more than " + MAX_LINKS + " symbolic links");
      }
      real.removeLast();
      String[] parts = target.split("/");
      for (int i = parts.length - 1; i >= 0; i--) {
        pending.addFirst(parts[i]);
      }
    }
    return real.isEmpty() ? "" : String.join("/", real) + "/";
  }

  private static RefusedLayerException refused(Manifest.Layer layer, String why) {
    return new RefusedLayerException("layer " + layer.digest() + " is refused: " + why);
  }
}
