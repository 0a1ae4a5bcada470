package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.SchemaDefaults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pledge diff -f FILE}: what applying the files would change, as kubectl diff shows it: a
 * unified diff per object between the live object and the file's, over what apply sets (labels,
 * annotations, spec; a request's spec with its schema's defaults filled in, as intake fills them).
 */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Show what applying YAML files would change: a unified diff per object, live against file.",
      "Exit 0: no differences; 1: differences; 2 or more: an error.",
      "  pledge diff -f <file|dir|-> [-R]"
    })
final class DiffCommand implements Callable<Integer> {

  static final int DIFFERENT = 1;
  static final int FAILED = 2;

  /** Label and annotation prefixes request-intake sets itself: not the file's to change. */
  private static final List<String> SERVER_OWNED = List.of("kratix.io/", "pledge.io/");

  @ParentCommand PledgeCommand pledge;

  @Mixin ManifestFiles manifests;

  @Option(
      names = {"-n", "--namespace"},
      defaultValue = "default",
      description = "the namespace of requests that name none (default: ${DEFAULT-VALUE})")
  String namespace;

  private final CliContext context;

  /** Each Promise's request spec schema, fetched once however many of its requests are diffed. */
  private final Map<String, JsonNode> specSchemas = new HashMap<>();

  DiffCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    if (!manifests.given()) {
      context.err().println("error: give the files to compare with -f");
      return FAILED;
    }
    List<JsonNode> documents = manifests.documents(context);
    IntakeClient client = pledge.client();
    ObjectPaths paths = new ObjectPaths(client, namespace);
    boolean different = false;
    for (JsonNode document : documents) {
      String what =
          document.path("kind").asText().toLowerCase(Locale.ROOT)
              + "/"
              + document.path("metadata").path("name").asText();
      Optional<String> path = paths.of(document);
      if (path.isEmpty()) {
        context.err().println("error: " + what + ": no Promise serves this kind");
        return FAILED;
      }
      JsonNode live;
      JsonNode desired = document.deepCopy();
      Optional<String> promise = paths.promiseOf(document);
      try {
        live = live(client, path.get());
        if (promise.isPresent()) {
          fillDefaults(
              specSchemas.computeIfAbsent(promise.get(), p -> specSchema(client, p)), desired);
        }
      } catch (ApiException e) {
        context.err().println("error: " + what + ": " + e.render().substring("error: ".length()));
        return FAILED;
      }
      boolean request = promise.isPresent();
      String before = live == null ? "" : yaml(sorted(comparable(live, document, request)));
      String after = yaml(sorted(comparable(desired, document, request)));
      if (!before.equals(after)) {
        different = true;
        print(what, before, after);
      }
    }
    return different ? DIFFERENT : 0;
  }

  private static JsonNode live(IntakeClient client, String path) {
    try {
      return client.getJson(path);
    } catch (ApiException e) {
      if (e.status() == 404) {
        return null;
      }
      throw e;
    }
  }

  /** The schema of a Promise's requests' spec, from the served version of its API. */
  private static JsonNode specSchema(IntakeClient client, String promise) {
    JsonNode crd =
        client
            .getJson("api/v1/promises/" + IntakeClient.path(promise))
            .path("spec")
            .path("api")
            .path("spec");
    return ExplainCommand.servedVersion(crd)
        .path("schema")
        .path("openAPIV3Schema")
        .path("properties")
        .path("spec");
  }

  /** The request's spec as intake would store it: its Promise's schema's defaults and pruning. */
  private static void fillDefaults(JsonNode schema, JsonNode request) {
    if (!request.path("spec").isObject()) {
      ((ObjectNode) request).putObject("spec");
    }
    // What intake stores: undeclared fields pruned, defaults filled in.
    SchemaDefaults.prune(schema, request.path("spec"));
    SchemaDefaults.apply(schema, request.path("spec"));
  }

  /**
   * What apply sets, from {@code object}: apiVersion, kind, name, a request's namespace, the labels
   * and annotations (those request-intake sets itself only when the file names them), and every
   * other top-level field but status.
   */
  private ObjectNode comparable(JsonNode object, JsonNode file, boolean request) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.set("apiVersion", object.path("apiVersion"));
    out.set("kind", object.path("kind"));
    ObjectNode metadata = out.putObject("metadata");
    metadata.set("name", object.path("metadata").path("name"));
    if (request) {
      metadata.put("namespace", object.path("metadata").path("namespace").asText(namespace));
    }
    for (String map : List.of("labels", "annotations")) {
      ObjectNode kept = JsonNodeFactory.instance.objectNode();
      JsonNode fileMap = file.path("metadata").path(map);
      Iterator<Map.Entry<String, JsonNode>> entries = object.path("metadata").path(map).fields();
      while (entries.hasNext()) {
        Map.Entry<String, JsonNode> entry = entries.next();
        boolean serverOwned = SERVER_OWNED.stream().anyMatch(entry.getKey()::startsWith);
        if (!serverOwned || fileMap.has(entry.getKey())) {
          kept.set(entry.getKey(), entry.getValue());
        }
      }
      if (!kept.isEmpty()) {
        metadata.set(map, kept);
      }
    }
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!List.of("apiVersion", "kind", "metadata", "status").contains(field.getKey())) {
        out.set(field.getKey(), field.getValue());
      }
    }
    return out;
  }

  private void print(String what, String before, String after) {
    List<String> live = before.isEmpty() ? List.of() : before.lines().toList();
    List<String> merged = after.lines().toList();
    Patch<String> patch = DiffUtils.diff(live, merged);
    List<String> unified =
        UnifiedDiffUtils.generateUnifiedDiff("live/" + what, "merged/" + what, live, patch, 3);
    unified.forEach(context.out()::println);
  }

  /** Keys in order at every level: the server need not keep the file's order. */
  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.stream().sorted().forEach(n -> out.set(n, sorted(node.get(n))));
      return out;
    }
    if (node.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> out.add(sorted(e)));
      return out;
    }
    return node;
  }

  private static String yaml(JsonNode node) throws IOException {
    return KratixDocuments.YAML.writeValueAsString(node);
  }
}
