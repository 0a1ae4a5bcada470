package io.pledge.testkit.oci;

import io.pledge.oci.ContainersConfig;
import io.pledge.oci.ImageReference;
import io.pledge.oci.Skopeo;
import io.pledge.oci.ToolException;
import io.pledge.oci.Umoci;
import io.pledge.oci.build.Containerfile;
import io.pledge.oci.build.ImageBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds real images for tests with the project's daemonless builder and pushes them to a test
 * registry. The base is BusyBox (Debian's static {@code busybox-static} binary plus its applet
 * links): a shell and coreutils in about 2 MB, so a stage script is an image with one more layer.
 */
public final class TestImages {

  /** The busybox base image's repository in the test registry. */
  public static final String BUSYBOX = "pledge-test/busybox:1";

  private final OciRegistry registry;
  private final Path work;
  private final Skopeo skopeo;
  private final ImageBuilder builder;
  private boolean busyboxPushed;

  public TestImages(OciRegistry registry, Path work) {
    this(registry, work, ContainersConfig.fromEnvironment(Map.of()));
  }

  /** With these containers settings (credentials for a private test registry). */
  public TestImages(OciRegistry registry, Path work, ContainersConfig config) {
    this.registry = registry;
    this.work = work;
    this.skopeo = new Skopeo(Path.of("/usr/bin/skopeo"), config);
    this.builder =
        new ImageBuilder(
            skopeo,
            new Umoci(Path.of("/usr/bin/umoci"), Duration.ofMinutes(2)),
            Duration.ofMinutes(2));
  }

  /** The registry the images go to. */
  public OciRegistry registry() {
    return registry;
  }

  /** The busybox base in the registry (pushed on first use); answers its reference. */
  public synchronized String busybox() {
    String ref = registry.reference(BUSYBOX);
    if (!busyboxPushed) {
      Path context = dir("busybox");
      writeBusyboxRootfs(context.resolve("rootfs"));
      write(
          context.resolve("Containerfile"),
          "FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/usr/bin:/bin\nCMD [\"sh\"]\n");
      build(context, ref);
      busyboxPushed = true;
    }
    return ref;
  }

  /**
   * An image whose ENTRYPOINT is {@code script} (installed as /usr/local/bin/entrypoint), on the
   * busybox base; answers its reference {@code <registry>/<name>}.
   */
  public String script(String name, String script) {
    String base = busybox();
    Path context = dir(name);
    write(context.resolve("entrypoint"), script);
    write(
        context.resolve("Containerfile"),
        "FROM "
            + base
            + "\nCOPY --chmod=755 entrypoint /usr/local/bin/entrypoint\n"
            + "ENTRYPOINT [\"/usr/local/bin/entrypoint\"]\n");
    String ref = registry.reference(name);
    build(context, ref);
    return ref;
  }

  /**
   * An image from {@code containerfile} (its {@code FROM} may say {@code BUSYBOX} for the base) and
   * {@code files} (path in the build folder to content; {@code .sh} and {@code bin/} files are made
   * executable); answers {@code <registry>/<name>}.
   */
  public String image(String name, String containerfile, Map<String, String> files) {
    String base = containerfile.contains("BUSYBOX") ? busybox() : null;
    Path context = dir(name);
    write(
        context.resolve("Containerfile"),
        base == null ? containerfile : containerfile.replace("BUSYBOX", base));
    files.forEach(
        (path, content) -> {
          Path file = context.resolve(path);
          write(file, content);
          if (path.endsWith(".sh") || path.contains("bin/")) {
            executable(file);
          }
        });
    String ref = registry.reference(name);
    build(context, ref);
    return ref;
  }

  /** Builds {@code context} and pushes it to {@code ref}. */
  public void build(Path context, String ref) {
    try {
      builder.buildAndPush(context, ImageReference.parse(ref));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ToolException | Containerfile.InvalidContainerfileException e) {
      throw new IllegalStateException("cannot build test image " + ref + ": " + e.getMessage(), e);
    }
  }

  /** Copies an image between references (e.g. to give one image a second name). */
  public void copy(String from, String to) {
    run(
        List.of(
            "/usr/bin/skopeo",
            "--insecure-policy",
            "copy",
            "--quiet",
            "--src-tls-verify=false",
            "--dest-tls-verify=false",
            "docker://" + from,
            "docker://" + to));
  }

  /** The busybox root filesystem: the static binary and a link per applet. */
  public static void writeBusyboxRootfs(Path rootfs) {
    Path busybox = Path.of("/bin/busybox");
    if (!Files.isExecutable(busybox)) {
      throw new IllegalStateException(
          "/bin/busybox is missing: apt-get install -y busybox-static (.ci/run installs it)");
    }
    try {
      Path bin = Files.createDirectories(rootfs.resolve("bin"));
      Files.createDirectories(rootfs.resolve("usr/bin"));
      Files.createDirectories(rootfs.resolve("usr/local/bin"));
      Files.createDirectories(rootfs.resolve("etc"));
      Files.createDirectories(rootfs.resolve("tmp"));
      Files.copy(busybox, bin.resolve("busybox"));
      Process list = new ProcessBuilder(busybox.toString(), "--list").start();
      String applets = new String(list.getInputStream().readAllBytes());
      list.waitFor(10, TimeUnit.SECONDS);
      for (String applet : applets.split("\\s+")) {
        if (!applet.isBlank() && !applet.equals("busybox")) {
          Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
      }
      // /usr/bin/env is where "#!/usr/bin/env sh" looks.
      Files.createSymbolicLink(rootfs.resolve("usr/bin/env"), Path.of("/bin/busybox"));
      Files.writeString(
          rootfs.resolve("etc/passwd"),
          "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
      Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Path dir(String name) {
    try {
      return Files.createTempDirectory(
          Files.createDirectories(work), name.replaceAll("[^A-Za-z0-9]", "-") + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void executable(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void run(List<String> argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
