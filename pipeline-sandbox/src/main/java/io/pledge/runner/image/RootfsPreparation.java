package io.pledge.runner.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes an unpacked root filesystem ready to be the read-only {@code /} of a sandbox: the mount
 * points the sandbox binds over ({@code /kratix/*}, {@code /tmp}, {@code /proc}, {@code /dev},
 * {@code /etc/hosts}, {@code /etc/resolv.conf}) and the image's working directory must exist, since
 * nothing can be created in a read-only root at run time. A link standing where a mount point goes
 * is replaced, never followed: it could point anywhere on the host.
 */
public final class RootfsPreparation {

  static final List<String> DIRECTORIES =
      List.of("kratix/input", "kratix/output", "kratix/metadata", "tmp", "proc", "dev", "etc");

  static final List<String> FILES = List.of("etc/hosts", "etc/resolv.conf");

  private RootfsPreparation() {}

  public static void prepare(Path rootfs, String workingDir) throws IOException {
    for (String dir : DIRECTORIES) {
      directory(rootfs, dir);
    }
    if (workingDir != null && !workingDir.isBlank()) {
      directory(rootfs, workingDir);
    }
    for (String file : FILES) {
      Path parent = directory(rootfs, file.substring(0, file.lastIndexOf('/')));
      Path target = parent.resolve(file.substring(file.lastIndexOf('/') + 1));
      if (Files.isSymbolicLink(target) || Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        deleteTree(target);
      }
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        Files.createFile(target);
      }
    }
  }

  /** {@code path} as a real directory inside {@code rootfs}, made component by component. */
  private static Path directory(Path rootfs, String path) throws IOException {
    Path current = rootfs;
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        continue;
      }
      current = current.resolve(part);
      if (Files.isSymbolicLink(current)
          || Files.exists(current, LinkOption.NOFOLLOW_LINKS)
              && !Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(current);
      }
      if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(current);
      }
    }
    return current;
  }

  private static void deleteTree(Path path) throws IOException {
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      try (var children = Files.list(path)) {
        for (Path child : children.toList()) {
          deleteTree(child);
        }
      }
    }
    Files.delete(path);
  }
}
