package io.pledge.oci.build;

import io.pledge.oci.ImageReference;
import io.pledge.oci.Skopeo;
import io.pledge.oci.ToolException;
import io.pledge.oci.Umoci;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Builds an image from a folder and its Containerfile without a daemon: the base image is pulled
 * into an OCI layout with skopeo (or started empty for {@code scratch}), each {@code COPY} becomes
 * a layer recorded by umoci, the configuration is set with umoci, and the result is pushed with
 * skopeo. What Kratix's {@code kratix build container} does with {@code docker build}, for
 * pipelines whose files are put in place rather than installed by {@code RUN}.
 */
public final class ImageBuilder {

  private static final String TAG = "build";

  private final Skopeo skopeo;
  private final Umoci umoci;
  private final Duration timeout;

  public ImageBuilder(Skopeo skopeo, Umoci umoci, Duration timeout) {
    this.skopeo = skopeo;
    this.umoci = umoci;
    this.timeout = timeout;
  }

  /**
   * Builds {@code context} (its {@code Containerfile}, else {@code Dockerfile}) and pushes it as
   * {@code target}; answers the pushed manifest's digest.
   */
  public String buildAndPush(Path context, ImageReference target)
      throws IOException, ToolException, Containerfile.InvalidContainerfileException {
    Path work = Files.createTempDirectory("pledge-image-build-");
    try {
      Path layout = build(context, work);
      return skopeo.push(layout, TAG, target, timeout);
    } finally {
      deleteTree(work);
    }
  }

  /** Builds into an OCI layout under {@code work}; answers the layout (image tag {@code build}). */
  public Path build(Path context, Path work)
      throws IOException, ToolException, Containerfile.InvalidContainerfileException {
    Path file = context.resolve("Containerfile");
    if (!Files.isRegularFile(file)) {
      file = context.resolve("Dockerfile");
    }
    if (!Files.isRegularFile(file)) {
      throw new Containerfile.InvalidContainerfileException(
          "no Containerfile or Dockerfile in " + context);
    }
    Containerfile recipe = Containerfile.parse(Files.readString(file));
    Path layout = work.resolve("layout");
    if (recipe.from().equalsIgnoreCase("scratch")) {
      umoci.init(layout);
      umoci.newImage(layout, TAG);
    } else {
      skopeo.pull(ImageReference.parse(recipe.from()), layout, TAG, null, timeout);
    }
    Path bundle = work.resolve("bundle");
    boolean unpacked = false;
    ConfigChanges config = new ConfigChanges();
    for (Containerfile.Step step : recipe.steps()) {
      if (step instanceof Containerfile.Copy copy) {
        if (!unpacked) {
          umoci.unpack(layout, TAG, bundle);
          unpacked = true;
        }
        Path rootfs = bundle.resolve("rootfs");
        copy(context, copy, rootfs, config.workingDir());
        umoci.repack(layout, TAG, bundle, copy.text());
      } else {
        config.apply(step);
      }
    }
    if (!config.options().isEmpty()) {
      umoci.config(layout, TAG, config.options());
    }
    return layout;
  }

  private static void copy(Path context, Containerfile.Copy copy, Path rootfs, String workDir)
      throws IOException {
    String dest =
        copy.destination().startsWith("/")
            ? copy.destination()
            : (workDir == null ? "/" : workDir) + "/" + copy.destination();
    boolean intoFolder = copy.destination().endsWith("/") || copy.sources().size() > 1;
    List<Path> sources = new ArrayList<>();
    for (String pattern : copy.sources()) {
      sources.addAll(expand(context, pattern));
    }
    for (Path source : sources) {
      Path target = within(rootfs, dest);
      if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
        copyTree(source, target, copy.chmod());
      } else {
        if (intoFolder || Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          target = target.resolve(source.getFileName().toString());
        }
        Files.createDirectories(target.getParent());
        copyOne(source, target, copy.chmod());
      }
    }
  }

  /** Files a COPY source names: a path or a glob in its last part, inside the context. */
  private static List<Path> expand(Path context, String pattern) throws IOException {
    Path root = context.toRealPath();
    Path literal = root.resolve(pattern).normalize();
    if (!literal.startsWith(root)) {
      throw new IOException("COPY source " + pattern + " is outside the build folder");
    }
    if (!pattern.contains("*") && !pattern.contains("?") && !pattern.contains("[")) {
      if (!Files.exists(literal, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("COPY source " + pattern + " does not exist in " + context);
      }
      return List.of(literal);
    }
    Path dir = literal.getParent();
    PathMatcher matcher =
        FileSystems.getDefault().getPathMatcher("glob:" + literal.getFileName().toString());
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> matches = files.filter(p -> matcher.matches(p.getFileName())).sorted().toList();
      if (matches.isEmpty()) {
        throw new IOException("COPY source " + pattern + " matches nothing in " + context);
      }
      return matches;
    }
  }

  /** {@code path} inside {@code rootfs}; never leaves it, whatever the image's links say. */
  private static Path within(Path rootfs, String path) throws IOException {
    Path current = rootfs;
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new IOException("COPY destination " + path + " climbs out of the image");
      }
      current = current.resolve(part);
      if (Files.isSymbolicLink(current)) {
        Path link = Files.readSymbolicLink(current);
        String resolved =
            link.isAbsolute()
                ? link.toString()
                : rootfs.relativize(current.getParent()).toString() + "/" + link;
        current = within(rootfs, resolved);
      }
    }
    return current;
  }

  private static void copyTree(Path source, Path target, String chmod) throws IOException {
    Files.walkFileTree(
        source,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(target.resolve(source.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            copyOne(file, target.resolve(source.relativize(file).toString()), chmod);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void copyOne(Path source, Path target, String chmod) throws IOException {
    if (Files.isSymbolicLink(target) || Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(target);
    }
    Files.copy(source, target, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
    if (chmod != null && !Files.isSymbolicLink(target)) {
      Files.setPosixFilePermissions(target, permissions(Integer.parseInt(chmod, 8)));
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
    Set<PosixFilePermission> set = java.util.EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < 9; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        set.add(all[i]);
      }
    }
    return set;
  }

  /** Image configuration changes, as umoci config options. */
  private static final class ConfigChanges {
    private final List<String> options = new ArrayList<>();
    private String workingDir;
    private boolean cmdSet;

    void apply(Containerfile.Step step) {
      if (step instanceof Containerfile.Env env) {
        env.values().forEach((k, v) -> options.add("--config.env=" + k + "=" + v));
      } else if (step instanceof Containerfile.Label label) {
        label.values().forEach((k, v) -> options.add("--config.label=" + k + "=" + v));
      } else if (step instanceof Containerfile.WorkDir dir) {
        workingDir =
            dir.path().startsWith("/")
                ? dir.path()
                : (workingDir == null ? "" : workingDir) + "/" + dir.path();
        options.add("--config.workingdir=" + workingDir);
      } else if (step instanceof Containerfile.User user) {
        options.add("--config.user=" + user.user());
      } else if (step instanceof Containerfile.Entrypoint entrypoint) {
        options.add("--clear=config.entrypoint");
        if (entrypoint.args() != null) {
          entrypoint.args().forEach(a -> options.add("--config.entrypoint=" + a));
        }
        if (!cmdSet) {
          // As Docker: a new ENTRYPOINT drops the base image's CMD.
          options.add("--clear=config.cmd");
        }
      } else if (step instanceof Containerfile.Cmd cmd) {
        options.add("--clear=config.cmd");
        if (cmd.args() != null) {
          cmd.args().forEach(a -> options.add("--config.cmd=" + a));
        }
        cmdSet = true;
      }
    }

    String workingDir() {
      return workingDir;
    }

    List<String> options() {
      return options;
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        p.toFile().setWritable(true);
        Files.deleteIfExists(p);
      }
    }
  }
}
