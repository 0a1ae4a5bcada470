package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    mixinStandardHelpOptions = true,
    name = "explain",
    description = {
      "The fields of a Promise's request kind, from its API's schema, as kubectl explain shows them.",
      "  pledge explain postgresql",
      "  pledge explain postgresql.spec.size"
    })
final class ExplainCommand implements Callable<Integer> {

  @ParentCommand PledgeCommand pledge;

  @Parameters(index = "0", paramLabel = "<kind>[.field...]")
  String target;

  private final CliContext context;

  ExplainCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    String[] path = target.split("\\.");
    Optional<JsonNode> promise = offering(path[0]);
    if (promise.isEmpty()) {
      context.err().println("error: no Promise offers a kind named " + path[0]);
      return PledgeCommand.REFUSED;
    }
    JsonNode crd = promise.get().path("spec").path("api").path("spec");
    JsonNode version = servedVersion(crd);
    JsonNode schema = version.path("schema").path("openAPIV3Schema");
    boolean required = false;
    for (int i = 1; i < path.length; i++) {
      JsonNode parent = schema;
      schema = properties(schema).path(path[i]);
      if (schema.isMissingNode()) {
        context
            .err()
            .println(
                "error: field \""
                    + path[i]
                    + "\" does not exist in "
                    + String.join(".", List.of(path).subList(0, i)));
        return PledgeCommand.REFUSED;
      }
      required = contains(parent.path("required"), path[i]);
    }
    context.out().print(render(crd, version, path, schema, required));
    return 0;
  }

  /** The Promise whose request kind, plural or singular is {@code name}. */
  private Optional<JsonNode> offering(String name) {
    for (JsonNode p : pledge.client().getJson("api/v1/promises").path("items")) {
      JsonNode names = p.path("spec").path("api").path("spec").path("names");
      for (String candidate :
          List.of(
              names.path("kind").asText(""),
              names.path("plural").asText(""),
              names.path("singular").asText(""))) {
        if (!candidate.isEmpty()
            && candidate.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /** The storage version, else the first: the one requests are read at. */
  static JsonNode servedVersion(JsonNode crd) {
    for (JsonNode v : crd.path("versions")) {
      if (v.path("storage").asBoolean()) {
        return v;
      }
    }
    return crd.path("versions").path(0);
  }

  /** An object's properties, or a list's items' properties. */
  private static JsonNode properties(JsonNode schema) {
    return "array".equals(schema.path("type").asText())
        ? schema.path("items").path("properties")
        : schema.path("properties");
  }

  static String render(
      JsonNode crd, JsonNode version, String[] path, JsonNode schema, boolean required) {
    StringBuilder out = new StringBuilder();
    out.append("GROUP:      ").append(crd.path("group").asText()).append('\n');
    out.append("KIND:       ").append(crd.path("names").path("kind").asText()).append('\n');
    out.append("VERSION:    ").append(version.path("name").asText()).append("\n\n");
    if (path.length > 1) {
      out.append("FIELD: ")
          .append(path[path.length - 1])
          .append(" <")
          .append(type(schema))
          .append('>')
          .append(required ? " -required-" : "")
          .append("\n\n");
    }
    out.append("DESCRIPTION:\n    ")
        .append(schema.path("description").asText("<empty>"))
        .append('\n');
    if (schema.has("enum")) {
      List<String> values = new ArrayList<>();
      schema.path("enum").forEach(v -> values.add(v.asText()));
      out.append("\nENUM:\n    ").append(String.join(", ", values)).append('\n');
    }
    if (schema.has("default")) {
      out.append("\nDEFAULT:\n    ").append(schema.path("default").asText()).append('\n');
    }
    JsonNode fields = properties(schema);
    if (fields.size() > 0) {
      out.append("\nFIELDS:\n");
      JsonNode requiredFields =
          "array".equals(schema.path("type").asText())
              ? schema.path("items").path("required")
              : schema.path("required");
      fields
          .fields()
          .forEachRemaining(
              f -> {
                out.append("  ")
                    .append(f.getKey())
                    .append("\t<")
                    .append(type(f.getValue()))
                    .append('>')
                    .append(contains(requiredFields, f.getKey()) ? " -required-" : "")
                    .append('\n');
                String description = f.getValue().path("description").asText("");
                if (!description.isEmpty()) {
                  out.append("    ").append(description).append('\n');
                }
                out.append('\n');
              });
    }
    return out.toString();
  }

  /** kubectl's type names: {@code []string} for a list of strings, {@code Object} for an object. */
  private static String type(JsonNode schema) {
    String type = schema.path("type").asText("");
    return switch (type) {
      case "array" -> "[]" + type(schema.path("items"));
      case "object" -> "Object";
      case "" -> schema.path("x-kubernetes-int-or-string").asBoolean() ? "IntOrString" : "Object";
      default -> type;
    };
  }

  private static boolean contains(JsonNode list, String value) {
    for (JsonNode v : list) {
      if (value.equals(v.asText())) {
        return true;
      }
    }
    return false;
  }
}
