package io.pledge.oci;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A container image reference as Kubernetes and Docker read it: {@code [registry/]repository[:tag]
 * [@sha256:digest]}. A name without a registry is on Docker Hub ({@code docker.io}), a one-part
 * Docker Hub name is under {@code library/}, and a reference with neither tag nor digest means
 * {@code :latest}.
 *
 * @param registry the registry host (and port), e.g. {@code ghcr.io} or {@code 127.0.0.1:5000}
 * @param repository the repository path, e.g. {@code syntasso/test-bundle-image}
 * @param tag the tag, or null when the reference names only a digest
 * @param digest {@code sha256:<64 hex>}, or null
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

  /** Docker Hub, where a name without a registry lives. */
  public static final String DOCKER_HUB = "docker.io";

  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
  private static final Pattern HOST =
      Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.?)+(?::[0-9]{1,5})?");
  private static final Pattern IPV6_HOST = Pattern.compile("\\[[0-9A-Fa-f:.]+\\](?::[0-9]{1,5})?");
  private static final int MAX_NAME = 255;

  /** A reference that does not parse; the message says why. */
  public static final class InvalidReferenceException extends IllegalArgumentException {
    public InvalidReferenceException(String message) {
      super(message);
    }
  }

  /**
   * Parses {@code text} with Docker's rules.
   *
   * @throws InvalidReferenceException naming the reference and what is wrong with it
   */
  public static ImageReference parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidReferenceException("the image reference is empty");
    }
    String ref = text.trim();
    String digest = null;
    int at = ref.indexOf('@');
    if (at >= 0) {
      digest = ref.substring(at + 1);
      ref = ref.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        throw invalid(text, "the digest must be sha256: and 64 lower-case hex characters");
      }
    }
    String tag = null;
    int colon = ref.lastIndexOf(':');
    if (colon > ref.lastIndexOf('/')) {
      tag = ref.substring(colon + 1);
      ref = ref.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw invalid(text, "the tag '" + tag + "' is not a valid tag");
      }
    }
    String registry = DOCKER_HUB;
    String repository = ref;
    int slash = ref.indexOf('/');
    if (slash > 0) {
      String first = ref.substring(0, slash);
      if (first.contains(".")
          || first.contains(":")
          || first.equals("localhost")
          || first.startsWith("[")) {
        registry = first;
        repository = ref.substring(slash + 1);
      }
    }
    if (!HOST.matcher(registry).matches() && !IPV6_HOST.matcher(registry).matches()) {
      throw invalid(text, "the registry '" + registry + "' is not a host name");
    }
    if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
      repository = "library/" + repository;
    }
    if (repository.isEmpty() || repository.length() > MAX_NAME) {
      throw invalid(text, "the repository name is empty or too long");
    }
    for (String component : repository.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        throw invalid(
            text,
            "the repository part '"
                + component
                + "' must be lower-case letters, digits and separators (. _ __ -)");
      }
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new ImageReference(registry, repository, tag, digest);
  }

  private static InvalidReferenceException invalid(String text, String why) {
    return new InvalidReferenceException("image reference '" + text + "' does not parse: " + why);
  }

  /** The same image pinned to {@code manifestDigest} (tag dropped). */
  public ImageReference withDigest(String manifestDigest) {
    return new ImageReference(registry, repository, null, manifestDigest);
  }

  /** {@code registry/repository}, without tag or digest. */
  public String name() {
    return registry + "/" + repository;
  }

  /** The canonical text: {@code registry/repository[:tag][@digest]}. */
  @Override
  public String toString() {
    return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }

  /** For {@code docker://} transports (skopeo). */
  public String dockerTransport() {
    return "docker://" + this;
  }

  /**
   * Kubernetes' default pull policy: {@code Always} for {@code :latest} or no tag (and no digest),
   * else {@code IfNotPresent}.
   */
  public PullPolicy defaultPullPolicy() {
    return digest == null && "latest".equals(tag) ? PullPolicy.ALWAYS : PullPolicy.IF_NOT_PRESENT;
  }

  /**
   * Whether the registry is on a loopback address ({@code localhost}, 127.0.0.0/8, {@code ::1}):
   * such registries speak plain HTTP, as Docker treats them.
   */
  public boolean onLoopback() {
    String host = registry;
    if (host.startsWith("[")) {
      host = host.substring(1, host.indexOf(']'));
    } else if (host.contains(":")) {
      host = host.substring(0, host.lastIndexOf(':'));
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.equals("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+") && !host.contains(":")) {
      return false; // a name: never resolved here, so a DNS answer cannot make it "local"
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
