package io.pledge.runner.kubernetes;

import io.pledge.runner.sandbox.RunFolders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * What a pipeline Job hands back: a base64 text of a tar.gz holding {@code output/} and {@code
 * metadata/} (the Job's {@code /kratix/output} and {@code /kratix/metadata}). Unpacking refuses
 * anything that could land outside those folders: links, devices, absolute paths, {@code ..}.
 */
public final class HandbackBundle {

  /** The ConfigMap key holding the bundle. */
  public static final String KEY = "bundle";

  /** Unreadable or unsafe hand-back. */
  public static final class InvalidBundleException extends Exception {
    public InvalidBundleException(String message) {
      super(message);
    }
  }

  private HandbackBundle() {}

  /**
   * Unpacks {@code base64} into {@code folders.output()} and {@code folders.metadata()}.
   *
   * @param maxBytes most bytes unpacked in all (a bound against archive bombs)
   */
  public static void unpack(String base64, RunFolders folders, long maxBytes)
      throws InvalidBundleException, IOException {
    byte[] archive;
    try {
      archive = Base64.getMimeDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new InvalidBundleException("the hand-back is not base64: " + e.getMessage());
    }
    long total = 0;
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(archive)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String name = entry.getName();
        while (name.startsWith("./")) {
          name = name.substring(2);
        }
        if (name.isEmpty() || name.equals(".")) {
          continue;
        }
        Path target = target(name, folders);
        if (target == null) {
          continue;
        }
        boolean special =
            entry.isSymbolicLink()
                || entry.isLink()
                || entry.isCharacterDevice()
                || entry.isBlockDevice()
                || entry.isFIFO();
        if (!special && entry.isDirectory()) {
          Files.createDirectories(target);
        } else if (!special && entry.isFile()) {
          Files.createDirectories(target.getParent());
          total += copy(tar, target, maxBytes - total);
        } else {
          throw new InvalidBundleException(
              "the pipeline left " + name + ", which is a link or a special file");
        }
      }
    } catch (java.util.zip.ZipException | IllegalArgumentException e) {
      throw new InvalidBundleException("the hand-back is not a tar.gz: " + e.getMessage());
    }
  }

  /** Where an entry goes; null for the two top folders themselves. */
  private static Path target(String name, RunFolders folders) throws InvalidBundleException {
    if (name.startsWith("/") || name.contains("\\")) {
      throw new InvalidBundleException("the hand-back holds an absolute path: " + name);
    }
    String clean = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    for (String part : clean.split("/")) {
      if (part.equals("..")) {
        throw new InvalidBundleException("the hand-back holds a path with '..': " + name);
      }
    }
    int slash = clean.indexOf('/');
    String top = slash < 0 ? clean : clean.substring(0, slash);
    Path root =
        switch (top) {
          case "output" -> folders.output();
          case "metadata" -> folders.metadata();
          default ->
              throw new InvalidBundleException(
                  "the hand-back holds " + name + ", outside output/ and metadata/");
        };
    if (slash < 0) {
      return null;
    }
    Path target = root.resolve(clean.substring(slash + 1)).normalize();
    if (!target.startsWith(root)) {
      throw new InvalidBundleException("the hand-back holds an escaping path: " + name);
    }
    return target;
  }

  private static long copy(InputStream in, Path target, long budget)
      throws IOException, InvalidBundleException {
    long written = 0;
    byte[] buffer = new byte[8192];
    try (OutputStream out = Files.newOutputStream(target)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        written += n;
        if (written > budget) {
          throw new InvalidBundleException("the pipeline's output is larger than allowed");
        }
        out.write(buffer, 0, n);
      }
    }
    return written;
  }
}
