package io.pledge.cli.authoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A workflow's containers, as {@code pledge add container} and {@code pledge build container} see
 * them: the {@code LIFECYCLE/ACTION/PIPELINE} address, the container's default name, and the
 * Pipeline objects they live in.
 */
public final class Containers {

  /** {@code LIFECYCLE/ACTION/PIPELINE}, e.g. {@code resource/configure/instance}. */
  public record Address(String lifecycle, String action, String pipeline) {

    public static Address parse(String text) {
      String[] parts = text.split("/", -1);
      if (parts.length != 3) {
        throw new IllegalArgumentException(
            "invalid pipeline \"" + text + "\": LIFECYCLE/ACTION/PIPELINE-NAME");
      }
      if (!List.of("promise", "resource").contains(parts[0])) {
        throw new IllegalArgumentException(
            "invalid lifecycle \"" + parts[0] + "\": promise or resource");
      }
      if (!List.of("configure", "delete").contains(parts[1])) {
        throw new IllegalArgumentException(
            "invalid action \"" + parts[1] + "\": configure or delete");
      }
      if (!parts[2].matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
        throw new IllegalArgumentException(
            "invalid pipeline name \"" + parts[2] + "\": a DNS label, e.g. instance");
      }
      return new Address(parts[0], parts[1], parts[2]);
    }

    /** The container's folder, relative to the Promise's. */
    public String folder(String container) {
      return "workflows/" + lifecycle + "/" + action + "/" + pipeline + "/" + container;
    }

    @Override
    public String toString() {
      return lifecycle + "/" + action + "/" + pipeline;
    }
  }

  private Containers() {}

  /**
   * Kratix's default container name: the image's repository path without registry tag or digest,
   * {@code /} and {@code .} made {@code -}; over 63 characters, cut and suffixed with a hash.
   */
  public static String defaultName(String image) {
    String ref = image;
    int at = ref.indexOf('@');
    if (at >= 0) {
      ref = ref.substring(0, at);
    }
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    if (colon > slash) {
      ref = ref.substring(0, colon);
    }
    String name =
        ref.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
    if (name.length() > 63) {
      name = name.substring(0, 55).replaceAll("-+$", "") + "-" + sha1(name).substring(0, 7);
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("cannot name a container after image \"" + image + "\"");
    }
    return name;
  }

  /**
   * Adds {@code container} to the pipeline named in {@code address}, making the Pipeline when the
   * workflow has none of that name.
   */
  public static void add(ArrayNode pipelines, Address address, String container, String image) {
    ObjectNode pipeline = find(pipelines, address.pipeline());
    if (pipeline == null) {
      pipeline = pipelines.addObject();
      pipeline.put("apiVersion", "platform.kratix.io/v1alpha1");
      pipeline.put("kind", "Pipeline");
      pipeline.putObject("metadata").put("name", address.pipeline());
      pipeline.putObject("spec").putArray("containers");
    }
    JsonNode containers = pipeline.path("spec").path("containers");
    if (!containers.isArray()) {
      containers = PromiseProject.object(pipeline, "spec").putArray("containers");
    }
    for (JsonNode existing : containers) {
      if (container.equals(existing.path("name").asText())) {
        throw new IllegalArgumentException(
            "container \"" + container + "\" already exists in Pipeline \"" + address + "\"");
      }
    }
    ObjectNode added = ((ArrayNode) containers).addObject();
    added.put("name", container);
    added.put("image", image);
  }

  /** The Pipeline named {@code name} in {@code pipelines}, or null. */
  public static ObjectNode find(ArrayNode pipelines, String name) {
    for (JsonNode pipeline : pipelines) {
      if (name.equals(pipeline.path("metadata").path("name").asText())) {
        return (ObjectNode) pipeline;
      }
    }
    return null;
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
