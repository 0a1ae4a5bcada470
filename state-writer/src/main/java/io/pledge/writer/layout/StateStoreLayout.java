package io.pledge.writer.layout;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.kratix.Destination;
import io.pledge.contract.work.Work;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Where files land in a state store (kratix.md §3.2): Kratix's {@code nestedByMetadata} layout, and
 * the files of the {@code none} ({@code .kratix} state files) and {@code aggregatedYAML} modes. All
 * paths are relative to the repository (or bucket) root, use {@code /} and never escape it.
 *
 * <pre>
 * &lt;store.path&gt;/&lt;dest.path&gt;/resources/&lt;ns&gt;/&lt;promise&gt;/&lt;name&gt;/&lt;pipeline&gt;/&lt;id5&gt;/&lt;filepath&gt;
 * &lt;store.path&gt;/&lt;dest.path&gt;/dependencies/&lt;promise&gt;/&lt;pipeline&gt;/&lt;id5&gt;/&lt;filepath&gt;
 * &lt;store.path&gt;/&lt;dest.path&gt;/dependencies/&lt;promise&gt;/&lt;id5&gt;/&lt;filepath&gt;   (static dependencies)
 * </pre>
 */
public final class StateStoreLayout {

  public static final String RESOURCES = "resources";
  public static final String DEPENDENCIES = "dependencies";
  public static final String CANARY_NAMESPACE_FILE = "kratix-canary-namespace.yaml";
  public static final String CANARY_CONFIGMAP_FILE = "kratix-canary-configmap.yaml";
  public static final String DEFAULT_AGGREGATED_FILE = "aggregated.yaml";
  public static final String KRATIX_DIR = ".kratix";
  public static final String PLATFORM_NAMESPACE = "kratix-platform-system";

  private StateStoreLayout() {}

  /**
   * The folder a Destination owns in its store: {@code <store.path>/<dest.path>}. An empty store
   * path means none; a Destination path of {@code .} or {@code /} means the store's root. The
   * result is {@code ""} for the root.
   */
  public static String destinationRoot(String storePath, String destinationPath) {
    return join(prefix(storePath, "state store path"), prefix(destinationPath, "destination path"));
  }

  /** The folder one workload group of {@code work} replaces on every write. */
  public static String groupFolder(String destinationRoot, Work work, String groupId) {
    String id5 = shortId(groupId);
    if (work.isResourceWork()) {
      return join(
          resourceFolder(destinationRoot, work),
          segment(work.pipeline(), "pipeline"),
          segment(id5, "workload group id"));
    }
    String promise = promiseFolder(destinationRoot, work.promise());
    if (work.pipeline() == null) {
      return join(promise, segment(id5, "workload group id"));
    }
    return join(promise, segment(work.pipeline(), "pipeline"), segment(id5, "workload group id"));
  }

  /** {@code <root>/resources/<ns>/<promise>/<name>}: everything of one resource request. */
  public static String resourceFolder(String destinationRoot, Work work) {
    ResourceKey key =
        work.resourceNamespace() != null && work.resourceName() != null
            ? new ResourceKey(work.resourceNamespace(), work.promise(), work.resourceName())
            : ResourceKey.parse(work.key());
    return resourceFolder(destinationRoot, key);
  }

  /** {@code <root>/resources/<ns>/<promise>/<name>}. */
  public static String resourceFolder(String destinationRoot, ResourceKey key) {
    return join(
        destinationRoot,
        RESOURCES,
        segment(key.namespace(), "namespace"),
        segment(key.promise(), "promise"),
        segment(key.name(), "resource name"));
  }

  /** {@code <root>/resources/<ns>/<promise>/<name>/<pipeline>}. */
  public static String resourcePipelineFolder(
      String destinationRoot, ResourceKey key, String pipeline) {
    return join(resourceFolder(destinationRoot, key), segment(pipeline, "pipeline"));
  }

  /** {@code <root>/dependencies/<promise>}: every promise-level Work of one Promise. */
  public static String promiseFolder(String destinationRoot, String promise) {
    return join(destinationRoot, DEPENDENCIES, segment(promise, "promise"));
  }

  /** {@code <root>/dependencies/<promise>/<pipeline>}. */
  public static String promisePipelineFolder(
      String destinationRoot, String promise, String pipeline) {
    return join(promiseFolder(destinationRoot, promise), segment(pipeline, "pipeline"));
  }

  /**
   * The path of a workload's file inside its group folder.
   *
   * @throws EscapingPathException when {@code filepath} is absolute, climbs out with {@code ..} or
   *     reaches into {@code .git}
   */
  public static String file(String groupFolder, String filepath) {
    return join(groupFolder, relative(filepath));
  }

  /** The canary files of a Destination (Kratix's init workloads), nestedByMetadata layout. */
  public static List<String> canaryFiles(String destinationRoot) {
    return canaryFiles(destinationRoot, Destination.NESTED_BY_METADATA);
  }

  /**
   * The canary files of a Destination: under {@code dependencies/} and {@code resources/} in the
   * nestedByMetadata layout, directly in the Destination's folder in the other modes.
   */
  public static List<String> canaryFiles(String destinationRoot, String mode) {
    if (Destination.NESTED_BY_METADATA.equals(mode)) {
      return List.of(
          join(destinationRoot, DEPENDENCIES, CANARY_NAMESPACE_FILE),
          join(destinationRoot, RESOURCES, CANARY_CONFIGMAP_FILE));
    }
    return List.of(
        join(destinationRoot, CANARY_NAMESPACE_FILE), join(destinationRoot, CANARY_CONFIGMAP_FILE));
  }

  /**
   * The one file of an {@code aggregatedYAML} Destination: {@code <root>/<filename>}, {@code
   * aggregated.yaml} when no filename is set.
   */
  public static String aggregatedFile(String destinationRoot, String filename) {
    return join(
        destinationRoot,
        relative(filename == null || filename.isBlank() ? DEFAULT_AGGREGATED_FILE : filename));
  }

  /**
   * The state file of a placement on a {@code none} Destination: {@code
   * <root>/.kratix/<namespace>-<placement>.yaml}.
   */
  public static String stateFile(String destinationRoot, String namespace, String placement) {
    return join(
        destinationRoot, KRATIX_DIR, segment(namespace + "-" + placement + ".yaml", "state file"));
  }

  /**
   * The namespace Kratix gives a WorkPlacement: the request's for resource Works, {@code
   * kratix-platform-system} for promise-level Works.
   */
  public static String placementNamespace(String workType, String resourceNamespace) {
    return Work.RESOURCE.equals(workType) && resourceNamespace != null
        ? resourceNamespace
        : PLATFORM_NAMESPACE;
  }

  /**
   * A name in the form of Kratix's WorkPlacement name, {@code <work>.<destination>-<id5>}, where
   * the Work's name is Kratix's identifier ({@code <promise>-<pipeline>}, {@code
   * <promise>-<request>-<pipeline>} or {@code <promise>-static-deps}) followed by five hex digits
   * of a hash of the Work's identity (Kratix uses a random suffix; this one is stable). Used for
   * state files and to order an aggregated file.
   */
  public static String workPlacementName(
      String key,
      String workType,
      String promise,
      String resourceName,
      String pipeline,
      String destination,
      String groupId) {
    String identifier;
    if (Work.RESOURCE.equals(workType)) {
      String name = resourceName != null ? resourceName : ResourceKey.parse(key).name();
      identifier = promise + "-" + name + "-" + pipeline;
    } else if (pipeline == null) {
      identifier = promise + "-static-deps";
    } else {
      identifier = promise + "-" + pipeline;
    }
    String identity = key + "#" + workType + "#" + (pipeline == null ? "" : pipeline);
    return identifier
        + "-"
        + sha256(identity).substring(0, 5)
        + "."
        + destination
        + "-"
        + shortId(groupId);
  }

  /**
   * {@code <store.path>/<dest.path>} normalised: no leading, trailing or doubled slashes, {@code .}
   * segments dropped; {@code ""} for the root.
   *
   * @throws EscapingPathException when it climbs out or reaches into {@code .git}
   */
  public static String normalise(String path, String what) {
    return prefix(path, what);
  }

  /** Paths joined with {@code /}, empty parts skipped. */
  public static String join(String... parts) {
    StringBuilder path = new StringBuilder();
    for (String part : parts) {
      if (part == null || part.isEmpty()) {
        continue;
      }
      if (path.length() > 0) {
        path.append('/');
      }
      path.append(part);
    }
    return path.toString();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first five hex digits of a workload group id. */
  public static String shortId(String groupId) {
    if (groupId == null || groupId.length() < 5) {
      throw new EscapingPathException("workload group id too short: " + groupId);
    }
    return groupId.substring(0, 5);
  }

  /**
   * A relative path inside a folder: {@code .} and empty segments are dropped.
   *
   * @throws EscapingPathException when it is absolute, empty, contains {@code ..} or {@code .git}
   */
  public static String relative(String filepath) {
    if (filepath == null || filepath.isBlank()) {
      throw new EscapingPathException("empty file path");
    }
    if (filepath.startsWith("/") || filepath.contains("\\") || filepath.indexOf('\0') >= 0) {
      throw new EscapingPathException("file path escapes the state store: " + filepath);
    }
    List<String> parts = new ArrayList<>();
    for (String part : filepath.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..") || part.toLowerCase(Locale.ROOT).equals(".git")) {
        throw new EscapingPathException("file path escapes the state store: " + filepath);
      }
      parts.add(part);
    }
    if (parts.isEmpty()) {
      throw new EscapingPathException("empty file path: " + filepath);
    }
    return String.join("/", parts);
  }

  /** A store or Destination prefix: may be empty, {@code .} or {@code /}; never climbs out. */
  private static String prefix(String path, String what) {
    if (path == null || path.isBlank()) {
      return "";
    }
    if (path.contains("\\") || path.indexOf('\0') >= 0) {
      throw new EscapingPathException(what + " is not a plain path: " + path);
    }
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..") || part.toLowerCase(Locale.ROOT).equals(".git")) {
        throw new EscapingPathException(what + " escapes the state store: " + path);
      }
      parts.add(part);
    }
    return String.join("/", parts);
  }

  /** One path segment taken from a name (namespace, promise, pipeline, ...). */
  private static String segment(String name, String what) {
    if (name == null
        || name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.contains("/")
        || name.contains("\\")
        || name.indexOf('\0') >= 0
        || name.toLowerCase(Locale.ROOT).equals(".git")) {
      throw new EscapingPathException("invalid " + what + " for a state store path: " + name);
    }
    return name;
  }
}
