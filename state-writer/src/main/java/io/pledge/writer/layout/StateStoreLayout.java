package io.pledge.writer.layout;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.work.Work;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where files land in a state store, Kratix's {@code nestedByMetadata} layout (kratix.md §3.2). All
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
    return List.of(
        join(destinationRoot, DEPENDENCIES, CANARY_NAMESPACE_FILE),
        join(destinationRoot, RESOURCES, CANARY_CONFIGMAP_FILE));
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

  private static String join(String... parts) {
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
}
