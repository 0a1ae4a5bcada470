package io.pledge.e2e;

import static io.pledge.e2e.FourServices.condition;
import static io.pledge.e2e.FourServices.conditionField;
import static io.pledge.e2e.FourServices.reconciled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.oci.ContainersConfig;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.testkit.oci.ExampleImages;
import io.pledge.testkit.oci.OciRegistry;
import io.pledge.testkit.oci.RegistriesConf;
import io.pledge.testkit.oci.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Kratix's own acceptance suite, {@code test/core} of syntasso/kratix (one ordered scenario) and
 * the {@code filepath.mode: none} case of {@code test/system}, run against the four packaged
 * services with the REST API in place of kubectl and the Git state store in place of the worker
 * cluster: what Kratix checks on the worker (a Namespace, ConfigMaps, their timestamps) is checked
 * as the files Flux would apply. The Promises and images are re-created in src/test/kratix (same
 * names, same contract); its README maps each of Kratix's assertions to the one here, or says why
 * there is none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KratixCoreIT {

  private static final Duration FLOW = FourServices.FLOW;
  private static final String REQUEST = "/api/v1/resources/default/testbundle/kratix-test";
  private static final String DEPS = "dependencies/testbundle/setup-deps/5058f/";
  private static final String RESOURCES = "resources/default/testbundle/kratix-test/";
  private static final String CM_1 =
      "worker-1/" + RESOURCES + "resource-pipeline0/ba6cb/dest1/configmap.yaml";
  private static final String CM_2 =
      "worker-2/" + RESOURCES + "resource-pipeline0/76355/dest2/configmap.yaml";
  private static final String NAMESPACE =
      "worker-1/" + RESOURCES + "resource-pipeline1/5058f/namespace.yaml";

  private final Path root =
      Path.of(System.getProperty("pledge.root", "..")).toAbsolutePath().normalize();
  private final Path assets = root.resolve("end-to-end/src/test/kratix");
  private FourServices pledge;
  private IntakeClient intake;
  private Path repo;

  @BeforeAll
  void startPledge() throws IOException {
    pledge = new FourServices(root, "kratix-core", kratixImages());
    intake = pledge.intake();
    repo = pledge.repo();
  }

  @AfterAll
  void stopPledge() {
    if (pledge != null) {
      pledge.close();
    }
  }

  /**
   * Builds the suite's two images on the examples' tools base with the host's kubectl, pushes them
   * to the test registry, and answers a registries.conf that pulls Kratix's names from there.
   */
  private Path kratixImages() throws IOException {
    OciRegistry registry = OciRegistry.shared();
    Path buildConf = ExampleImages.publish(registry, root);
    Path work = Files.createTempDirectory("kratix-images");
    TestImages images =
        new TestImages(
            registry,
            work.resolve("build"),
            ContainersConfig.fromEnvironment(Map.of()).withRegistriesConf(buildConf));
    Path kubectl = Path.of("/usr/bin/kubectl").toRealPath();
    for (String[] image :
        List.of(
            new String[] {"test-bundle", "syntasso/test-bundle-image:v0.1.0"},
            new String[] {"pipeline-utility", "syntasso/kratix-pipeline-utility:v0.0.1"})) {
      Path context = work.resolve(image[0]);
      copyFolder(assets.resolve("images").resolve(image[0]), context);
      Files.copy(kubectl, context.resolve("kubectl"));
      images.build(context, registry.host() + "/" + image[1]);
    }
    String location = registry.host() + "/syntasso";
    return RegistriesConf.remap(
        work.resolve("registries.conf"),
        Map.of("docker.io/syntasso", location, "ghcr.io/syntasso", location));
  }

  private static void copyFolder(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
    }
  }

  @Test
  @Order(1)
  void theDestinationsAreReadyWithTheirCanaryFiles() throws Exception {
    pledge.apply(pledge.gitStateStore(root));
    pledge.apply(asset("core/destination-worker-1.yaml"));
    pledge.apply(asset("core/destination-worker-2.yaml"));

    for (String destination : List.of("worker-1", "worker-2")) {
      await("Ready " + destination)
          .atMost(FLOW)
          .until(
              () -> condition(get("/api/v1/destinations/" + destination), "Ready"), "True"::equals);
      assertThat(files())
          .contains(
              destination + "/dependencies/kratix-canary-namespace.yaml",
              destination + "/resources/kratix-canary-configmap.yaml");
    }
  }

  /** Kratix: "successfully installing a Promise". */
  @Test
  @Order(2)
  void installingThePromiseRunsItsWorkflowAndWritesToEveryMatchingDestination() throws Exception {
    pledge.apply(asset("core/promise.yaml"));

    // Kratix polls for each of these ("Eventually"): the Works are committed after Available.
    JsonNode promise =
        awaitGet(
            "/api/v1/promises/testbundle",
            p ->
                "Available".equals(p.at("/status/status").asText())
                    && Stream.of("ConfigureWorkflowCompleted", "Reconciled", "WorksSucceeded")
                        .allMatch(type -> "True".equals(condition(p, type))));
    assertThat(promise.at("/status/workflows").asInt()).isEqualTo(1);
    assertThat(promise.at("/status/workflowsSucceeded").asInt()).isEqualTo(1);
    assertThat(promise.at("/status/workflowsFailed").asInt()).isZero();
    JsonNode pipelines = promise.at("/status/kratix/workflows/pipelines");
    assertThat(pipelines).hasSize(1);
    assertThat(pipelines.at("/0/name").asText()).isEqualTo("setup-deps");
    assertThat(pipelines.at("/0/phase").asText()).isEqualTo("Succeeded");
    assertThat(pipelines.at("/0/lastTransitionTime").asText()).isNotBlank();
    // One Work, placed on both Destinations (Kratix's two WorkPlacements).
    assertThat(promise.at("/status/destinations").findValuesAsText("name"))
        .containsExactlyInAnyOrder("worker-1", "worker-2");

    for (String destination : List.of("worker-1", "worker-2")) {
      JsonNode namespace = document(destination + "/" + DEPS + "namespace.yaml");
      assertThat(namespace.path("kind").asText()).isEqualTo("Namespace");
      assertThat(namespace.at("/metadata/name").asText()).isEqualTo("testbundle-ns");
      JsonNode configMap = document(destination + "/" + DEPS + "configmap.yaml");
      assertThat(configMap.at("/metadata/name").asText()).isEqualTo("testbundle-cm");
      assertThat(configMap.at("/metadata/namespace").asText()).isEqualTo("testbundle-ns");
      assertThat(configMap.at("/data/promiseEnv").asText()).isEqualTo("undefined");
    }
  }

  /** Kratix: "fulfilling a resource request". */
  @Test
  @Order(3)
  void aRequestRunsBothPipelinesPassingStatusAndLandsOnTheSelectedDestinations() throws Exception {
    assertThat(
            intake
                .apply(
                    asset("core/resource.yaml")
                        .replace("  namespaceName:", "  newName: x\n  namespaceName:"))
                .statusCode())
        .as("the Promise's first API has no newName")
        .isEqualTo(422);
    pledge.apply(asset("core/resource.yaml"));

    JsonNode request = awaitGet(REQUEST, FourServices::reconciled);
    assertThat(request.at("/status/stage").asText())
        .as("resource-pipeline1 saw stage=one from resource-pipeline0, or it would have failed")
        .isEqualTo("two");
    assertThat(request.at("/status/completed").asBoolean()).isTrue();
    assertThat(request.at("/status/observedGeneration").asLong())
        .isEqualTo(request.at("/status/pledge/generation").asLong());
    assertThat(request.at("/status/workflows").asInt()).isEqualTo(2);
    assertThat(request.at("/status/workflowsSucceeded").asInt()).isEqualTo(2);
    assertThat(request.at("/status/workflowsFailed").asInt()).isZero();
    JsonNode pipelines = request.at("/status/kratix/workflows/pipelines");
    assertThat(pipelines).hasSize(2);
    assertThat(pipelines.get(0).path("name").asText()).isEqualTo("resource-pipeline0");
    assertThat(pipelines.get(1).path("name").asText()).isEqualTo("resource-pipeline1");
    for (JsonNode pipeline : pipelines) {
      assertThat(pipeline.path("phase").asText()).isEqualTo("Succeeded");
      assertThat(pipeline.path("lastTransitionTime").asText()).isNotBlank();
    }
    assertThat(conditionField(request, "ConfigureWorkflowCompleted", "lastTransitionTime"))
        .isEqualTo(
            request.at("/status/kratix/workflows/lastSuccessfulConfigureWorkflowTime").asText());
    assertThat(condition(request, "WorksSucceeded")).isEqualTo("True");
    // Two Works: resource-pipeline0's with a group on each worker, resource-pipeline1's on
    // worker-1.
    assertThat(placements(request, "resource-pipeline0"))
        .containsExactlyInAnyOrder("worker-1", "worker-2");
    assertThat(placements(request, "resource-pipeline1")).containsExactly("worker-1");

    assertThat(document(CM_1).at("/metadata/name").asText()).isEqualTo("ksystest-cm-1");
    assertThat(document(CM_2).at("/metadata/name").asText()).isEqualTo("ksystest-cm-2");
    assertThat(document(NAMESPACE).at("/metadata/name").asText()).isEqualTo("ksystest");
  }

  /** Kratix: "rerunning pipelines when updating a resource request". */
  @Test
  @Order(4)
  void updatingTheRequestRerunsItsPipelines() throws Exception {
    String cm1 = timestamp(CM_1);
    String cm2 = timestamp(CM_2);

    pledge.apply(asset("core/resource-v2.yaml"));

    await()
        .atMost(FLOW)
        .until(
            () ->
                document(NAMESPACE).at("/metadata/name").asText().equals("ksystest-updated")
                    && !timestamp(CM_1).equals(cm1)
                    && !timestamp(CM_2).equals(cm2));
    JsonNode request = awaitGet(REQUEST, FourServices::reconciled);
    assertThat(request.at("/status/kratix/workflows/pipelines"))
        .extracting(p -> p.path("phase").asText())
        .containsExactly("Succeeded", "Succeeded");
  }

  /** Kratix: "updating Promise". */
  @Test
  @Order(5)
  void updatingThePromiseRerunsItsWorkflowAndEveryRequests() throws Exception {
    String promiseCm = timestamp("worker-1/" + DEPS + "configmap.yaml");
    String cm1 = timestamp(CM_1);
    String cm2 = timestamp(CM_2);

    pledge.apply(asset("core/promise-v2.yaml"));

    for (String destination : List.of("worker-1", "worker-2")) {
      String file = destination + "/" + DEPS + "configmap.yaml";
      await()
          .atMost(FLOW)
          .until(() -> document(file).at("/data/promiseEnv").asText(), "second"::equals);
    }
    assertThat(timestamp("worker-1/" + DEPS + "configmap.yaml")).isNotEqualTo(promiseCm);
    await().atMost(FLOW).until(() -> !timestamp(CM_1).equals(cm1) && !timestamp(CM_2).equals(cm2));
    assertThat(document(NAMESPACE).at("/metadata/name").asText()).isEqualTo("ksystest-updated");
    awaitGet(REQUEST, r -> reconciled(r) && "two".equals(r.at("/status/stage").asText()));

    // The new API: the field Kratix's CRD gains is now accepted.
    pledge.apply(
        asset("core/resource-v2.yaml")
            .replace("  namespaceName:", "  newName: x\n  namespaceName:"));
    awaitGet(REQUEST, r -> reconciled(r) && "x".equals(r.at("/spec/newName").asText()));
  }

  /** Kratix: "cleaning up after deleting a resource request". */
  @Test
  @Order(6)
  void deletingTheRequestRemovesItsFilesFromEveryDestination() throws Exception {
    assertThat(pledge.delete(REQUEST)).isBetween(200, 204);

    await().atMost(FLOW).until(() -> intake.get(REQUEST).isEmpty());
    await().atMost(FLOW).until(() -> files().stream().noneMatch(f -> f.contains("/" + RESOURCES)));
    assertThat(files()).contains("worker-1/" + DEPS + "configmap.yaml");
  }

  /** Kratix: "cleaning up after uninstalling the Promise". */
  @Test
  @Order(7)
  void uninstallingThePromiseRemovesItsDependenciesAndLeavesTheCanaries() throws Exception {
    assertThat(pledge.delete("/api/v1/promises/testbundle")).isBetween(200, 204);

    await().atMost(FLOW).until(() -> intake.get("/api/v1/promises/testbundle").isEmpty());
    await()
        .atMost(FLOW)
        .until(() -> files().stream().noneMatch(f -> f.contains("/dependencies/testbundle/")));
    assertThat(files())
        .contains(
            "worker-1/dependencies/kratix-canary-namespace.yaml",
            "worker-2/resources/kratix-canary-configmap.yaml");
  }

  /** Kratix's system suite: "filepath modes, none: can write and delete from statestore". */
  @Test
  @Order(8)
  void aDestinationWithFilepathModeNoneGetsFlatFilesAndStateFiles() throws Exception {
    String folder = "filepathmode-none/";
    pledge.apply(asset("system/destination-filepathmode-none.yaml"));
    pledge.apply(asset("system/promise-filepathmode-none.yaml"));
    awaitGet(
        "/api/v1/promises/filepathmode-none",
        p -> "Available".equals(p.at("/status/status").asText()));
    pledge.apply(asset("system/resource-filepathmode-none.yaml"));

    String request = "/api/v1/resources/default/filepathmode-none/modenone-request-1";
    JsonNode reconciled = awaitGet(request, FourServices::reconciled);
    assertThat(condition(reconciled, "Reconciled")).isEqualTo("True");
    String namespaceFile = folder + "filepathmode-none-ns.yaml";
    String configMapFile = folder + "filepathmode-none-cm-modenone-request-1.yaml";
    assertThat(files())
        .contains(
            namespaceFile,
            configMapFile,
            folder + "kratix-canary-namespace.yaml",
            folder + "kratix-canary-configmap.yaml");
    assertThat(document(configMapFile).at("/data/key").asText()).isEqualTo("modenone-request-1");
    assertThat(stateFilesListing(folder, configMapFile)).hasSize(1);
    assertThat(stateFilesListing(folder, namespaceFile)).hasSize(1);

    assertThat(pledge.delete(request)).isBetween(200, 204);
    await()
        .atMost(FLOW)
        .until(
            () ->
                !files().contains(configMapFile)
                    && stateFilesListing(folder, configMapFile).isEmpty());
    assertThat(files()).contains(namespaceFile);

    assertThat(pledge.delete("/api/v1/promises/filepathmode-none")).isBetween(200, 204);
    await()
        .atMost(FLOW)
        .until(
            () ->
                !files().contains(namespaceFile)
                    && stateFilesListing(folder, namespaceFile).isEmpty());
  }

  /**
   * The {@code .kratix/} state files under {@code folder} whose {@code files:} list {@code path}.
   */
  private List<String> stateFilesListing(String folder, String path) {
    return files().stream()
        .filter(f -> f.startsWith(folder + ".kratix/"))
        .filter(f -> document(f).path("files").toString().contains(path))
        .toList();
  }

  private String asset(String path) throws IOException {
    return Files.readString(assets.resolve(path));
  }

  private List<String> files() {
    return GitFixtures.listFiles(repo, "main");
  }

  private JsonNode document(String path) {
    String text =
        GitFixtures.readFile(repo, "main", path)
            .orElseThrow(() -> new AssertionError("no " + path + " in " + files()));
    return KratixDocuments.readAll(text).get(0);
  }

  private String timestamp(String path) {
    return document(path).at("/data/timestamp").asText();
  }

  private JsonNode get(String path) throws Exception {
    return intake.get(path).orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
  }

  private JsonNode awaitGet(String path, Predicate<JsonNode> condition) {
    return pledge.await(path, condition);
  }

  private static List<String> placements(JsonNode resource, String pipeline) {
    return resource.at("/status/destinations").findParents("pipeline").stream()
        .filter(d -> pipeline.equals(d.path("pipeline").asText()))
        .map(d -> d.path("name").asText())
        .toList();
  }
}
