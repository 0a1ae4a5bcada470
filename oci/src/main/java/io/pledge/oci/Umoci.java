package io.pledge.oci;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OCI layout side, through umoci (Debian package {@code umoci}): create a layout or an empty
 * image, unpack an image to a root filesystem (layers in order, whiteouts and opaque directories
 * applied, nothing written outside the root), record a changed root filesystem as a new layer, and
 * change an image's configuration. Always rootless: file owners in layers are not reproduced on the
 * host, which is what an unprivileged runner can do and all a read-only sandbox root needs.
 */
public final class Umoci {

  private final Path binary;
  private final Duration timeout;

  public Umoci(Path binary, Duration timeout) {
    this.binary = binary;
    this.timeout = timeout;
  }

  /** Creates an empty OCI layout at {@code layout}. */
  public void init(Path layout) throws ToolException {
    run("create the OCI layout " + layout, "init", "--layout", layout.toString());
  }

  /** Adds an image with no layers, {@code tag}, to {@code layout}. */
  public void newImage(Path layout, String tag) throws ToolException {
    run("create an empty image", "new", "--image", layout + ":" + tag);
  }

  /** Unpacks {@code layout:tag} into the bundle folder {@code bundle} (its rootfs in rootfs/). */
  public void unpack(Path layout, String tag, Path bundle) throws ToolException {
    run(
        "cannot unpack the image",
        "unpack",
        "--rootless",
        "--image",
        layout + ":" + tag,
        bundle.toString());
  }

  /**
   * Records what changed in {@code bundle}'s rootfs since it was unpacked as a new layer of {@code
   * layout:tag}, and refreshes the bundle so a later repack records only later changes.
   */
  public void repack(Path layout, String tag, Path bundle, String createdBy) throws ToolException {
    run(
        "cannot record a layer",
        "repack",
        "--refresh-bundle",
        "--history.created_by",
        createdBy,
        "--image",
        layout + ":" + tag,
        bundle.toString());
  }

  /** Changes the image configuration of {@code layout:tag} with umoci config options. */
  public void config(Path layout, String tag, List<String> options) throws ToolException {
    List<String> args = new ArrayList<>(List.of("config", "--image", layout + ":" + tag));
    args.addAll(options);
    run("cannot set the image configuration", args.toArray(String[]::new));
  }

  private void run(String what, String... args) throws ToolException {
    List<String> argv = new ArrayList<>();
    argv.add(binary.toString());
    argv.addAll(List.of(args));
    ToolProcess.Output out = ToolProcess.run(argv, Map.of(), null, timeout);
    if (out.exitCode() != 0) {
      String err = out.stderr().isBlank() ? "exit code " + out.exitCode() : out.stderr();
      String last = err.strip().lines().reduce((a, b) -> b).orElse(err);
      throw new ToolException(what + ": " + last, false);
    }
  }
}
