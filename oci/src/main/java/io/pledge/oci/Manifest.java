package io.pledge.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * An image manifest or index as a registry serves it: Docker v2 schema 2 and OCI manifests, Docker
 * manifest lists and OCI image indexes.
 *
 * @param digest {@code sha256:} of the raw bytes, the identity a registry gives it
 * @param index whether this is an index (a manifest per platform) rather than an image manifest
 * @param platformDigest for an index, the linux/amd64 manifest's digest; else null
 * @param configSize for a manifest, the size of the image configuration blob
 * @param layers for a manifest, its layers in order
 */
public record Manifest(
    String digest, boolean index, String platformDigest, long configSize, List<Layer> layers) {

  /** One layer: its digest, declared size and media type. */
  public record Layer(String digest, long size, String mediaType) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads a raw manifest.
   *
   * @throws IllegalArgumentException when it is not a manifest or index Pledge can run, naming why
   */
  public static Manifest parse(byte[] raw) {
    JsonNode node;
    try {
      node = JSON.readTree(raw);
    } catch (IOException e) {
      throw new IllegalArgumentException("the registry's manifest is not JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("the registry's manifest is not a JSON object");
    }
    String digest = digestOf(raw);
    if (node.path("schemaVersion").asInt() != 2) {
      throw new IllegalArgumentException(
          "manifest schema version "
              + node.path("schemaVersion").asText("?")
              + " is not supported (Docker v2 schema 2 or OCI only)");
    }
    if (node.has("manifests")) {
      String chosen = null;
      for (JsonNode entry : node.path("manifests")) {
        JsonNode platform = entry.path("platform");
        if (Skopeo.OS.equals(platform.path("os").asText())
            && Skopeo.ARCH.equals(platform.path("architecture").asText())) {
          chosen = entry.path("digest").asText(null);
          break;
        }
      }
      if (chosen == null) {
        throw new IllegalArgumentException(
            "the image index has no " + Skopeo.OS + "/" + Skopeo.ARCH + " manifest");
      }
      return new Manifest(digest, true, chosen, 0, List.of());
    }
    if (!node.path("config").isObject() || !node.path("layers").isArray()) {
      throw new IllegalArgumentException("the manifest has no config or no layers");
    }
    List<Layer> layers = new ArrayList<>();
    for (JsonNode layer : node.path("layers")) {
      layers.add(
          new Layer(
              layer.path("digest").asText(),
              layer.path("size").asLong(-1),
              layer.path("mediaType").asText("")));
    }
    return new Manifest(digest, false, null, node.path("config").path("size").asLong(-1), layers);
  }

  /** The declared size of the image: configuration plus layers (compressed). */
  public long declaredBytes() {
    return Math.max(0, configSize) + layers.stream().mapToLong(l -> Math.max(0, l.size())).sum();
  }

  /** {@code sha256:<hex>} of {@code bytes}. */
  public static String digestOf(byte[] bytes) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return "sha256:" + HexFormat.of().formatHex(sha.digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code sha256:<hex>} of a string's UTF-8 bytes. */
  public static String digestOf(String text) {
    return digestOf(text.getBytes(StandardCharsets.UTF_8));
  }
}
