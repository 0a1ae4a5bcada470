package io.pledge.cli.authoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.kratix.KratixDocuments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Promise's source folder, laid out as Kratix's CLI lays it out: either one {@code promise.yaml},
 * or (split) {@code api.yaml}, {@code dependencies.yaml} and {@code
 * workflows/<lifecycle>/<action>/workflow.yaml}; the pipelines' containers under {@code
 * workflows/<lifecycle>/<action>/<pipeline>/<container>/}.
 */
public final class PromiseProject {

  public static final String PROMISE = "promise.yaml";
  public static final String API = "api.yaml";
  public static final String DEPENDENCIES = "dependencies.yaml";
  public static final String EXAMPLE = "example-resource.yaml";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Path dir;

  private PromiseProject(Path dir) {
    this.dir = dir;
  }

  public static PromiseProject at(Path dir) {
    return new PromiseProject(dir);
  }

  public Path dir() {
    return dir;
  }

  /** Split: the API, the dependencies and the workflows each in files of their own. */
  public boolean split() {
    return !Files.exists(dir.resolve(PROMISE)) && Files.exists(dir.resolve(API));
  }

  /** The Promise's API, a CustomResourceDefinition. */
  public ObjectNode api() {
    if (split()) {
      return read(API);
    }
    JsonNode api = promise().path("spec").path("api");
    if (!api.isObject()) {
      throw new IllegalArgumentException(dir.resolve(PROMISE) + " has no spec.api");
    }
    return (ObjectNode) api;
  }

  public void writeApi(ObjectNode crd) {
    if (split()) {
      write(API, crd);
    } else {
      ObjectNode promise = promise();
      ((ObjectNode) promise.path("spec")).set("api", crd);
      write(PROMISE, promise);
    }
  }

  /** {@code promise.yaml}; a split project has none. */
  public ObjectNode promise() {
    if (!Files.exists(dir.resolve(PROMISE))) {
      throw new IllegalArgumentException(
          split()
              ? "this Promise is split (api.yaml): it has no promise.yaml to edit"
              : "no promise.yaml or api.yaml in "
                  + dir
                  + ": run 'pledge init promise' there first");
    }
    return read(PROMISE);
  }

  public void writePromise(ObjectNode promise) {
    write(PROMISE, promise);
  }

  /** The Pipelines of one workflow, e.g. resource/configure; empty when there are none yet. */
  public ArrayNode pipelines(String lifecycle, String action) {
    if (split()) {
      Path file = workflowFile(lifecycle, action);
      if (!Files.exists(file)) {
        return NODES.arrayNode();
      }
      JsonNode list = parse(file);
      return list.isArray() ? (ArrayNode) list : NODES.arrayNode();
    }
    JsonNode pipelines = promise().path("spec").path("workflows").path(lifecycle).path(action);
    return pipelines.isArray() ? ((ArrayNode) pipelines).deepCopy() : NODES.arrayNode();
  }

  public void writePipelines(String lifecycle, String action, ArrayNode pipelines) {
    if (split()) {
      Path file = workflowFile(lifecycle, action);
      writeText(dir.relativize(file), yaml(pipelines));
      return;
    }
    ObjectNode promise = promise();
    ObjectNode spec = object(promise, "spec");
    object(object(spec, "workflows"), lifecycle).set(action, pipelines);
    write(PROMISE, promise);
  }

  /**
   * The Promise to apply, from {@code promise.yaml} or from the split files: {@code api.yaml} as
   * its API, {@code dependencies.yaml} as its dependencies, each workflow file as its pipelines.
   */
  public ObjectNode assemble(String name) {
    ObjectNode promise = Files.exists(dir.resolve(PROMISE)) ? read(PROMISE) : NODES.objectNode();
    promise.put("apiVersion", "platform.kratix.io/v1alpha1");
    promise.put("kind", "Promise");
    object(promise, "metadata").put("name", name);
    ObjectNode spec = object(promise, "spec");
    if (Files.exists(dir.resolve(API))) {
      spec.set("api", read(API));
    }
    if (Files.exists(dir.resolve(DEPENDENCIES))) {
      JsonNode dependencies = parseOrEmpty(dir.resolve(DEPENDENCIES));
      if (dependencies.isArray() && !dependencies.isEmpty()) {
        spec.set("dependencies", dependencies);
      } else if (!dependencies.isMissingNode() && !dependencies.isArray()) {
        throw new IllegalArgumentException(DEPENDENCIES + " must be a list of documents");
      }
    }
    for (String lifecycle : List.of("promise", "resource")) {
      for (String action : List.of("configure", "delete")) {
        Path file = workflowFile(lifecycle, action);
        if (Files.exists(file)) {
          object(object(spec, "workflows"), lifecycle).set(action, parse(file));
        }
      }
    }
    return promise;
  }

  /** Writes {@code text} to {@code relative}, making its folders. */
  public void writeText(Path relative, String text) {
    Path file = dir.resolve(relative);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  public static String yaml(JsonNode node) {
    try {
      return KratixDocuments.YAML.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code parent.field}, made an empty object when missing. */
  static ObjectNode object(ObjectNode parent, String field) {
    JsonNode child = parent.path(field);
    if (child.isObject()) {
      return (ObjectNode) child;
    }
    return parent.putObject(field);
  }

  private Path workflowFile(String lifecycle, String action) {
    return dir.resolve("workflows").resolve(lifecycle).resolve(action).resolve("workflow.yaml");
  }

  private void write(String name, JsonNode node) {
    writeText(Path.of(name), yaml(node));
  }

  /** The YAML object in the folder's file {@code name}. */
  public ObjectNode read(String name) {
    JsonNode node = parse(dir.resolve(name));
    if (!node.isObject()) {
      throw new IllegalArgumentException(dir.resolve(name) + " is not a YAML object");
    }
    return (ObjectNode) node;
  }

  private static JsonNode parse(Path file) {
    JsonNode node = parseOrEmpty(file);
    if (node.isMissingNode()) {
      throw new IllegalArgumentException(file + " is empty");
    }
    return node;
  }

  private static JsonNode parseOrEmpty(Path file) {
    try {
      String text = Files.readString(file);
      if (text.isBlank()) {
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
      }
      return KratixDocuments.YAML.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " is not valid YAML: " + e.getMessage(), e);
    }
  }
}
