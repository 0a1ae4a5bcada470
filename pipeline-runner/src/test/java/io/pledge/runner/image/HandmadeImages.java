package io.pledge.runner.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.oci.Manifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Images put together byte by byte, for what a well-behaved builder never makes: layers whose
 * entries leave the root, and image indexes. Written as an OCI layout and pushed with skopeo, or
 * PUT straight to the registry's API.
 */
final class HandmadeImages {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  /** One tar entry: a file, a directory, a symbolic or a hard link. */
  record Entry(String name, byte type, String content, String linkTarget) {
    static Entry file(String name, String content) {
      return new Entry(name, TarArchiveEntry.LF_NORMAL, content, null);
    }

    static Entry dir(String name) {
      return new Entry(name, TarArchiveEntry.LF_DIR, null, null);
    }

    static Entry symlink(String name, String target) {
      return new Entry(name, TarArchiveEntry.LF_SYMLINK, null, target);
    }

    static Entry hardlink(String name, String target) {
      return new Entry(name, TarArchiveEntry.LF_LINK, null, target);
    }
  }

  private HandmadeImages() {}

  /** A gzip-compressed tar of {@code entries}, in order. */
  static byte[] layer(Entry... entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        TarArchiveEntry entry = new TarArchiveEntry(e.name(), e.type(), false);
        if (e.linkTarget() != null) {
          entry.setLinkName(e.linkTarget());
        }
        byte[] content =
            e.content() == null ? new byte[0] : e.content().getBytes(StandardCharsets.UTF_8);
        entry.setSize(content.length);
        entry.setMode(e.type() == TarArchiveEntry.LF_DIR ? 040755 : 0100644);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Pushes a linux/amd64 image of {@code layers} (gzip tars) to {@code ref} via an OCI layout. */
  static void push(Path work, String ref, List<byte[]> layers) {
    try {
      Path layout = Files.createTempDirectory(work, "layout");
      Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      ObjectNode config = JSON.createObjectNode();
      config.put("architecture", "amd64").put("os", "linux");
      config.putObject("config").putArray("Cmd").add("/bin/sh");
      ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
      ArrayNode diffIds = rootfs.putArray("diff_ids");
      ObjectNode manifest = JSON.createObjectNode();
      manifest.put("schemaVersion", 2).put("mediaType", OCI_MANIFEST);
      ArrayNode layerList = manifest.putArray("layers");
      for (byte[] layer : layers) {
        diffIds.add(Manifest.digestOf(gunzip(layer)));
        layerList.add(
            descriptor("application/vnd.oci.image.layer.v1.tar+gzip", blob(layout, layer), layer));
      }
      byte[] configBytes = JSON.writeValueAsBytes(config);
      manifest.set(
          "config",
          descriptor(
              "application/vnd.oci.image.config.v1+json", blob(layout, configBytes), configBytes));
      byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
      ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
      ObjectNode entry = descriptor(OCI_MANIFEST, blob(layout, manifestBytes), manifestBytes);
      entry.putObject("annotations").put("org.opencontainers.image.ref.name", "handmade");
      index.putArray("manifests").add(entry);
      Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
      run(
          "skopeo",
          "--insecure-policy",
          "copy",
          "--quiet",
          "--dest-tls-verify=false",
          "oci:" + layout + ":handmade",
          "docker://" + ref);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * PUTs an image index at {@code host/repository:tag} naming the manifests already in that
   * repository: {@code platforms[i]} ("os/arch") for {@code manifests[i]} (raw manifest bytes).
   */
  static void putIndex(
      String host, String repository, String tag, List<String> platforms, List<byte[]> manifests) {
    ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", OCI_INDEX);
    ArrayNode list = index.putArray("manifests");
    for (int i = 0; i < manifests.size(); i++) {
      byte[] raw = manifests.get(i);
      String mediaType;
      try {
        mediaType = JSON.readTree(raw).path("mediaType").asText(OCI_MANIFEST);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      ObjectNode d = descriptor(mediaType, Manifest.digestOf(raw), raw);
      String[] p = platforms.get(i).split("/");
      d.putObject("platform").put("os", p[0]).put("architecture", p[1]);
      list.add(d);
    }
    try {
      HttpResponse<String> answer =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://" + host + "/v2/" + repository + "/manifests/" + tag))
                      .header("Content-Type", OCI_INDEX)
                      .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(index)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 201) {
        throw new IllegalStateException(
            "index PUT answered " + answer.statusCode() + answer.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The raw manifest {@code ref} names (loopback registry). */
  static byte[] rawManifest(String ref) {
    return run(
        "skopeo", "--insecure-policy", "inspect", "--raw", "--tls-verify=false", "docker://" + ref);
  }

  private static ObjectNode descriptor(String mediaType, String digest, byte[] content) {
    return JSON.createObjectNode()
        .put("mediaType", mediaType)
        .put("digest", digest)
        .put("size", content.length);
  }

  private static String blob(Path layout, byte[] content) throws IOException {
    String digest = Manifest.digestOf(content);
    Path file = layout.resolve("blobs/sha256/" + digest.substring("sha256:".length()));
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    return digest;
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  private static byte[] run(String... argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.PIPE).start();
      byte[] out = p.getInputStream().readAllBytes();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", argv) + " failed: " + err);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
