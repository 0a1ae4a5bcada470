package io.pledge.cli.authoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code pledge update api}'s edits of a Promise's CRD, Kratix's syntax: {@code -p name:type} adds
 * or retypes a field of the request's {@code spec} ({@code a.b:type} nests under object {@code a}),
 * {@code -p name-} removes one; {@code --group}, {@code --kind}, {@code --version} and {@code
 * --plural} rename the API.
 */
public final class ApiProperties {

  /** Kratix's property types. */
  public static final Set<String> TYPES =
      Set.of("string", "number", "integer", "object", "boolean");

  private ApiProperties() {}

  /** Applies each {@code -p} edit in order to the first version's {@code spec} schema. */
  public static void apply(ObjectNode crd, List<String> properties) {
    ObjectNode spec = specSchema(crd);
    for (String property : properties) {
      if (property.endsWith("-")) {
        remove(spec, path(property.substring(0, property.length() - 1), property));
        continue;
      }
      String[] nameAndType = property.split(":", -1);
      if (nameAndType.length != 2) {
        throw new IllegalArgumentException(
            "invalid property \"" + property + "\": NAME:TYPE, or NAME- to remove it");
      }
      String type = nameAndType[1];
      if (!TYPES.contains(type)) {
        throw new IllegalArgumentException(
            "unsupported type \""
                + type
                + "\" in \""
                + property
                + "\": string, number, integer, object or boolean");
      }
      add(spec, path(nameAndType[0], property), type);
    }
  }

  /** Renames the API; null leaves a part as it is. Answers the new apiVersion and kind. */
  public static String[] rename(
      ObjectNode crd, String group, String kind, String version, String plural) {
    ObjectNode spec = (ObjectNode) crd.path("spec");
    ObjectNode names = PromiseProject.object(spec, "names");
    if (kind != null) {
      names.put("kind", kind);
      names.put("singular", kind.toLowerCase(Locale.ROOT));
    }
    if (group != null) {
      spec.put("group", group);
    }
    if (plural != null) {
      names.put("plural", plural);
    }
    if (version != null) {
      ((ObjectNode) firstVersion(crd)).put("name", version);
    }
    PromiseProject.object(crd, "metadata")
        .put("name", names.path("plural").asText() + "." + spec.path("group").asText());
    return new String[] {
      spec.path("group").asText() + "/" + firstVersion(crd).path("name").asText(),
      names.path("kind").asText()
    };
  }

  private static String[] path(String dotted, String property) {
    String[] parts = dotted.split("\\.", -1);
    for (String part : parts) {
      if (part.isEmpty() || !part.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
        throw new IllegalArgumentException("invalid property name in \"" + property + "\"");
      }
    }
    return parts;
  }

  private static void add(ObjectNode spec, String[] path, String type) {
    ObjectNode properties = properties(spec, "spec");
    for (int i = 0; i < path.length - 1; i++) {
      JsonNode parent = properties.path(path[i]);
      if (parent.isMissingNode()) {
        ObjectNode object = properties.putObject(path[i]);
        object.put("type", "object");
        object.putObject("properties");
        parent = object;
      } else if (!"object".equals(parent.path("type").asText())) {
        throw new IllegalArgumentException(
            "cannot nest under \""
                + String.join(".", java.util.Arrays.copyOf(path, i + 1))
                + "\": it is a "
                + parent.path("type").asText("field")
                + ", not an object");
      }
      properties = properties((ObjectNode) parent, path[i]);
    }
    JsonNode existing = properties.path(path[path.length - 1]);
    ObjectNode field =
        existing.isObject() ? (ObjectNode) existing : properties.putObject(path[path.length - 1]);
    field.put("type", type);
    if (!type.equals("object")) {
      field.remove("properties");
    } else if (!field.has("properties")) {
      field.putObject("properties");
    }
  }

  private static void remove(ObjectNode spec, String[] path) {
    JsonNode properties = spec.path("properties");
    for (int i = 0; i < path.length - 1; i++) {
      properties = properties.path(path[i]).path("properties");
    }
    if (properties instanceof ObjectNode object) {
      object.remove(path[path.length - 1]);
    }
  }

  /** The {@code properties} of {@code schema}, made when missing. */
  private static ObjectNode properties(ObjectNode schema, String name) {
    JsonNode properties = schema.path("properties");
    if (properties.isObject()) {
      return (ObjectNode) properties;
    }
    if (!properties.isMissingNode()) {
      throw new IllegalArgumentException(name + ".properties is not a map");
    }
    return schema.putObject("properties");
  }

  private static ObjectNode specSchema(ObjectNode crd) {
    JsonNode schema = firstVersion(crd).path("schema").path("openAPIV3Schema");
    if (!schema.isObject()) {
      throw new IllegalArgumentException("the API's first version has no openAPIV3Schema");
    }
    ObjectNode properties = properties((ObjectNode) schema, "openAPIV3Schema");
    JsonNode spec = properties.path("spec");
    if (!spec.isObject()) {
      ObjectNode made = properties.putObject("spec");
      made.put("type", "object");
      return made;
    }
    return (ObjectNode) spec;
  }

  private static JsonNode firstVersion(ObjectNode crd) {
    JsonNode version = crd.path("spec").path("versions").path(0);
    if (!version.isObject()) {
      throw new IllegalArgumentException("the API has no versions");
    }
    return version;
  }
}
