package io.pledge.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The registry side, through skopeo (Debian package {@code skopeo}): read a manifest, copy an image
 * into an OCI layout, push a layout to a registry. Registries on loopback addresses are spoken to
 * over plain HTTP, as Docker does; everything else follows registries.conf.
 */
public final class Skopeo {

  /** The platform Pledge runs images for: an index's linux/amd64 entry is picked. */
  public static final String OS = "linux";

  public static final String ARCH = "amd64";

  private final Path binary;
  private final ContainersConfig config;

  public Skopeo(Path binary, ContainersConfig config) {
    this.binary = binary;
    this.config = config;
  }

  /**
   * The manifest (or index) {@code ref} names, byte for byte as the registry serves it, so its
   * digest can be computed.
   */
  public byte[] inspectRaw(ImageReference ref, Duration timeout) throws ToolException {
    List<String> argv = base();
    argv.addAll(List.of("inspect", "--raw", "--retry-times", "0"));
    argv.addAll(source("", ref));
    argv.add(ref.dockerTransport());
    ToolProcess.Output out = ToolProcess.run(argv, config.environment(), null, timeout);
    if (out.exitCode() != 0) {
      throw failure("cannot read the manifest of " + ref, out.stderr());
    }
    return out.stdout();
  }

  /**
   * Copies {@code ref} (one platform: linux/amd64) into the OCI layout {@code layout} under {@code
   * tag}, keeping blobs in {@code sharedBlobs} (content-addressed, reused across copies).
   */
  public void pull(ImageReference ref, Path layout, String tag, Path sharedBlobs, Duration timeout)
      throws ToolException {
    List<String> argv = base();
    argv.addAll(List.of("copy", "--quiet", "--retry-times", "0"));
    argv.addAll(source("src-", ref));
    if (sharedBlobs != null) {
      argv.addAll(List.of("--dest-shared-blob-dir", sharedBlobs.toString()));
    }
    argv.add(ref.dockerTransport());
    argv.add("oci:" + layout + ":" + tag);
    ToolProcess.Output out = ToolProcess.run(argv, config.environment(), null, timeout);
    if (out.exitCode() != 0) {
      throw failure("cannot pull " + ref, out.stderr());
    }
  }

  /**
   * Pushes the image {@code tag} of the OCI layout {@code layout} to {@code ref}; answers the
   * digest of the manifest the registry now holds, the name to pin it by.
   */
  public String push(Path layout, String tag, ImageReference ref, Duration timeout)
      throws ToolException {
    Path digestFile;
    try {
      digestFile = Files.createTempFile("pledge-push-", ".digest");
    } catch (IOException e) {
      throw new ToolException("cannot push " + ref + ": " + e.getMessage(), false);
    }
    try {
      List<String> argv = base();
      argv.addAll(List.of("copy", "--quiet", "--digestfile", digestFile.toString()));
      if (config.authFile() != null) {
        argv.addAll(List.of("--dest-authfile", config.authFile().toString()));
      }
      if (ref.onLoopback()) {
        argv.add("--dest-tls-verify=false");
      }
      argv.add("oci:" + layout + ":" + tag);
      argv.add(ref.dockerTransport());
      ToolProcess.Output out = ToolProcess.run(argv, config.environment(), null, timeout);
      if (out.exitCode() != 0) {
        throw failure("cannot push " + ref, out.stderr());
      }
      return Files.readString(digestFile).strip();
    } catch (IOException e) {
      throw new ToolException("pushed " + ref + " but cannot read its digest: " + e, false);
    } finally {
      try {
        Files.deleteIfExists(digestFile);
      } catch (IOException ignored) {
        // a temp file left behind is harmless
      }
    }
  }

  private List<String> base() {
    List<String> argv = new ArrayList<>();
    argv.add(binary.toString());
    if (!config.policyPresent()) {
      argv.add("--insecure-policy");
    }
    if (config.registriesConf() != null) {
      // skopeo 1.9 ignores CONTAINERS_REGISTRIES_CONF; only the global flag reaches it.
      argv.addAll(List.of("--registries-conf", config.registriesConf().toString()));
    }
    argv.addAll(List.of("--override-os", OS, "--override-arch", ARCH));
    return argv;
  }

  private List<String> source(String prefix, ImageReference ref) {
    List<String> args = new ArrayList<>();
    if (config.authFile() != null) {
      args.addAll(List.of("--" + prefix + "authfile", config.authFile().toString()));
    }
    if (ref.onLoopback()) {
      args.add("--" + prefix + "tls-verify=false");
    }
    return args;
  }

  /** A failure with the registry's answer, classified as worth retrying or not. */
  static ToolException failure(String what, String stderr) {
    String answer = registryAnswer(stderr);
    return new ToolException(what + ": " + answer, isTransient(answer));
  }

  /** The useful part of skopeo's error output: its last line, without log prefixes. */
  static String registryAnswer(String stderr) {
    if (stderr == null || stderr.isBlank()) {
      return "no answer";
    }
    String[] lines = stderr.strip().split("\n");
    String last = lines[lines.length - 1].strip();
    last = last.replaceFirst("^time=\"[^\"]*\" level=\\w+ msg=", "").replaceAll("^\"|\"$", "");
    last = last.replaceFirst("^(Error|FATA\\[\\d+\\]):?\\s*", "");
    return last.length() > 600 ? last.substring(0, 600) + "…" : last;
  }

  static boolean isTransient(String answer) {
    String a = answer.toLowerCase(Locale.ROOT);
    boolean permanent =
        a.contains("manifest unknown")
            || a.contains("name unknown")
            || a.contains("not found")
            || a.contains("unauthorized")
            || a.contains("authentication required")
            || a.contains("denied")
            || a.contains("blocked")
            || a.contains("does not match")
            || a.contains("invalid reference")
            || a.contains("no image found")
            || a.contains("choosing an image from manifest list");
    if (permanent) {
      return false;
    }
    return a.contains("connection refused")
        || a.contains("connection reset")
        || a.contains("i/o timeout")
        || a.contains("timeout")
        || a.contains("no such host")
        || a.contains("eof")
        || a.contains("502")
        || a.contains("503")
        || a.contains("504")
        || a.contains("too many requests")
        || a.contains("toomanyrequests") // Docker Hub's rate limit error code
        || a.contains("did not finish");
  }
}
