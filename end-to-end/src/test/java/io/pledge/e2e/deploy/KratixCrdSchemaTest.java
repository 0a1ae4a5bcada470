package io.pledge.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs in {@code deploy/kubernetes/base/crds/kratix.yaml} are ones the API server takes
 * (structural schemas) and check documents as Kratix's do: every Kratix document in the repository
 * and every status Pledge writes is accepted, and what Kratix's CRDs refuse is refused.
 *
 * <p>Documents are checked as {@code kubectl apply} has the server check them by default (strict
 * field validation): an undeclared field is an error, except under {@code
 * x-kubernetes-preserve-unknown-fields}. The Kubernetes extensions are otherwise unknown keywords
 * to the JSON Schema validator, so CEL rules ({@code x-kubernetes-validations}) are not run here.
 */
class KratixCrdSchemaTest {

  static final String API_VERSION = "platform.kratix.io/v1alpha1";
  static final List<String> KINDS =
      List.of("Promise", "Destination", "GitStateStore", "BucketStateStore");

  /** Kratix's printer columns, in its order. */
  static final Map<String, List<String>> COLUMNS =
      Map.of(
          "Promise", List.of("Status", "Kind", "API Version", "Version", "Message"),
          "Destination", List.of("StateStoreKind", "StateStoreName", "Ready"),
          "GitStateStore", List.of("URL", "Branch", "Ready"),
          "BucketStateStore", List.of("Name", "Endpoint", "Ready"));

  /** Folders that hold build output or other checkouts, not the project's documents. */
  static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", "node_modules");

  static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder()
          .pathType(PathType.JSON_POINTER)
          .formatAssertionsEnabled(true)
          .failFast(false)
          .build();

  static Path root;
  static Map<String, JsonNode> crds;

  @BeforeAll
  static void readCrds() throws IOException {
    root = ManifestConsistencyTest.projectRoot();
    crds = new LinkedHashMap<>();
    Path file = root.resolve("deploy/kubernetes/base/crds/kratix.yaml");
    for (JsonNode crd : ManifestConsistencyTest.readAll(Files.readString(file))) {
      crds.put(crd.path("spec").path("names").path("kind").asText(), crd);
    }
    assertThat(crds.keySet()).containsExactlyInAnyOrderElementsOf(KINDS);
  }

  @Test
  void eachKindIsNamedAndListedAsInKratix() {
    for (String kind : KINDS) {
      JsonNode spec = crds.get(kind).path("spec");
      String plural = kind.toLowerCase(Locale.ROOT) + "s";
      assertThat(crds.get(kind).path("metadata").path("name").asText())
          .isEqualTo(plural + ".platform.kratix.io");
      assertThat(spec.path("group").asText()).isEqualTo("platform.kratix.io");
      assertThat(spec.path("scope").asText()).as(kind).isEqualTo("Cluster");
      assertThat(texts(spec.path("names").path("categories"))).as(kind).containsExactly("kratix");
      assertThat(texts(spec.path("names").path("shortNames")))
          .as("short names of %s", kind)
          .isEqualTo(kind.equals("Destination") ? List.of("dest", "dests") : List.of());
      assertThat(spec.path("versions")).as(kind).hasSize(1);
      JsonNode version = spec.path("versions").get(0);
      assertThat(version.path("name").asText()).isEqualTo("v1alpha1");
      assertThat(version.path("served").asBoolean() && version.path("storage").asBoolean())
          .as("%s v1alpha1 served and stored", kind)
          .isTrue();
      assertThat(version.path("subresources").path("status").isObject())
          .as("status subresource of %s", kind)
          .isTrue();
      List<String> columns = new ArrayList<>();
      version.path("additionalPrinterColumns").forEach(c -> columns.add(c.path("name").asText()));
      assertThat(columns).as("printer columns of %s", kind).isEqualTo(COLUMNS.get(kind));
    }
  }

  @Test
  void everySchemaIsStructural() {
    for (String kind : KINDS) {
      assertThat(StructuralSchema.violations(schema(kind))).as(kind).isEmpty();
    }
  }

  @Test
  void everyPrinterColumnShowsADeclaredField() {
    for (String kind : KINDS) {
      for (JsonNode column : version(kind).path("additionalPrinterColumns")) {
        String jsonPath = column.path("jsonPath").asText();
        JsonNode node = schema(kind);
        // .status.conditions[?(@.type=="Ready")].status -> status, conditions, [], status
        for (String step : jsonPath.substring(1).replaceAll("\\[[^]]*]", ".[]").split("\\.")) {
          node = step.equals("[]") ? node.path("items") : node.path("properties").path(step);
        }
        assertThat(node.path("type").isTextual())
            .as("%s column %s: %s is declared", kind, column.path("name").asText(), jsonPath)
            .isTrue();
      }
    }
  }

  @Test
  void everyDefaultIsValidForItsField() {
    for (String kind : KINDS) {
      List<String> errors = new ArrayList<>();
      defaults(schema(kind), kind, errors);
      assertThat(errors).as("defaults of %s", kind).isEmpty();
    }
  }

  @Test
  void everyKratixDocumentInTheRepositoryIsAccepted() throws IOException {
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (Path file : yamlFilesMentioningKratix()) {
      for (JsonNode doc : ManifestConsistencyTest.readAll(Files.readString(file))) {
        String kind = doc.path("kind").asText();
        if (!API_VERSION.equals(doc.path("apiVersion").asText()) || !KINDS.contains(kind)) {
          continue;
        }
        seen.merge(kind, 1, Integer::sum);
        assertThat(errors(doc))
            .as(
                "%s %s in %s",
                kind, doc.path("metadata").path("name").asText(), root.relativize(file))
            .isEmpty();
      }
    }
    // The Postgres example, the bench Promise and the services' test Promises.
    assertThat(seen.getOrDefault("Promise", 0)).as("Promises seen").isGreaterThanOrEqualTo(4);
    assertThat(seen.getOrDefault("Destination", 0))
        .as("Destinations seen")
        .isGreaterThanOrEqualTo(2);
    assertThat(seen.getOrDefault("GitStateStore", 0))
        .as("GitStateStores seen")
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void theStatusesPledgeWritesAreAccepted() {
    for (String doc : KratixCrdSamples.STATUSES) {
      JsonNode node = KratixCrdSamples.yaml(doc);
      assertThat(errors(node)).as(node.path("kind").asText() + " status").isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.pledge.e2e.deploy.KratixCrdSamples#refused")
  void refusesWhatKratixRefuses(String why, String document, String pointer) {
    assertThat(errors(KratixCrdSamples.yaml(document)))
        .as("errors for a document where %s", why)
        .anySatisfy(e -> assertThat(e).startsWith(pointer + ": "));
  }

  // ---- helpers ----

  static JsonNode version(String kind) {
    return crds.get(kind).path("spec").path("versions").get(0);
  }

  static JsonNode schema(String kind) {
    return version(kind).path("schema").path("openAPIV3Schema");
  }

  /** Every error the CRD of the document's kind finds, as {@code <JSON pointer>: <message>}. */
  static List<String> errors(JsonNode doc) {
    String kind = doc.path("kind").asText();
    assertThat(crds).as("a CRD for kind %s", kind).containsKey(kind);
    return errors(schema(kind), doc);
  }

  static List<String> errors(JsonNode openApiSchema, JsonNode value) {
    JsonSchema compiled = FACTORY.getSchema(asServerChecksIt(openApiSchema.deepCopy()), CONFIG);
    List<String> errors = new ArrayList<>();
    for (ValidationMessage m : compiled.validate(value)) {
      String at = m.getInstanceLocation().toString();
      // The validator starts its messages with the instance location; keep it once.
      String message =
          m.getMessage().startsWith(at + ": ")
              ? m.getMessage().substring(at.length() + 2)
              : m.getMessage();
      if (Set.of("required", "additionalProperties").contains(m.getType())) {
        at = at + "/" + m.getProperty(); // the missing or undeclared field itself
      }
      errors.add(at + ": " + message);
    }
    return errors;
  }

  /**
   * What the API server adds to a schema when it checks a document: strict field validation closes
   * every object that declares its properties, and an embedded resource needs apiVersion and kind.
   */
  static JsonNode asServerChecksIt(JsonNode node) {
    if (!(node instanceof ObjectNode n)) {
      return node;
    }
    boolean preserve = n.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    if (n.has("properties") && !preserve) {
      n.put("additionalProperties", false);
    }
    if (n.path("x-kubernetes-embedded-resource").asBoolean(false)) {
      n.putArray("required").add("apiVersion").add("kind");
    }
    n.path("properties").forEach(KratixCrdSchemaTest::asServerChecksIt);
    asServerChecksIt(n.path("additionalProperties"));
    asServerChecksIt(n.path("items"));
    // Used above; unknown to the validator, which would warn about each.
    n.retain(
        n.properties().stream()
            .map(Map.Entry::getKey)
            .filter(k -> !k.startsWith("x-kubernetes-"))
            .toList());
    return n;
  }

  /** Checks each {@code default} against the schema of the field it sits on. */
  static void defaults(JsonNode node, String path, List<String> errors) {
    if (node.has("default")) {
      errors(node, node.get("default")).forEach(e -> errors.add(path + e));
    }
    node.path("properties")
        .fields()
        .forEachRemaining(e -> defaults(e.getValue(), path + "." + e.getKey(), errors));
    if (node.path("items").isObject()) {
      defaults(node.path("items"), path + "[*]", errors);
    }
    if (node.path("additionalProperties").isObject()) {
      defaults(node.path("additionalProperties"), path + "{*}", errors);
    }
  }

  static List<Path> yamlFilesMentioningKratix() throws IOException {
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return SKIPPED_DIRS.contains(dir.getFileName().toString())
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            String name = file.getFileName().toString();
            if ((name.endsWith(".yaml") || name.endsWith(".yml"))
                && Files.readString(file).contains(API_VERSION)) {
              found.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return found.stream().sorted().toList();
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
