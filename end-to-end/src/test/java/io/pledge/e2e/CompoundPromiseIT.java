package io.pledge.e2e;

import static io.pledge.e2e.FourServices.reconciled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.testkit.oci.ExampleImages;
import io.pledge.testkit.oci.OciRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A compound Promise two levels deep across the four packaged services, with the examples' own OCI
 * images (examples/compound): an App's workflow requests a Backend through the platform
 * Destination, whose workflow requests a Postgres database the same way. The tree reaches
 * Reconciled with the database's manifest in Git; a change to the App flows down to the database;
 * deleting the App deletes the Backend and the database (their delete runs and file removals).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CompoundPromiseIT {

  private static final Duration FLOW = FourServices.FLOW;
  private static final String APP = "default/app/shop";
  private static final String BACKEND = "default/backend/shop-backend";
  private static final String DATABASE = "default/postgresql/shop-backend-db";
  private static final String DATABASE_FILE =
      "worker-1/resources/default/postgresql/shop-backend-db/instance-configure/5058f/"
          + "postgres-instance.yaml";

  private final Path root =
      Path.of(System.getProperty("pledge.root", "..")).toAbsolutePath().normalize();
  private FourServices pledge;
  private IntakeClient intake;
  private Path repo;

  @BeforeAll
  void startPledge() {
    pledge = new FourServices(root, "compound", ExampleImages.publish(OciRegistry.shared(), root));
    intake = pledge.intake();
    repo = pledge.repo();
  }

  @AfterAll
  void stopPledge() {
    if (pledge != null) {
      pledge.close();
    }
  }

  @Test
  @Order(1)
  void anAppBecomesABackendAndADatabaseThroughThePlatform() throws Exception {
    apply(pledge.gitStateStore(root));
    apply(postgres("destination.yaml"));
    apply(compound("destination-platform.yaml"));
    apply(postgres("promise.yaml"));
    apply(compound("promise-app.yaml"));

    // App requires Backend, which is not there yet: the request is accepted and waits.
    apply(compound("request.yaml"));
    JsonNode waiting =
        awaitPromise("app", p -> p.at("/status/requiredPromises/0/state").isTextual());
    assertThat(waiting.at("/status/status").asText()).isEqualTo("Unavailable");
    assertThat(waiting.at("/status/requiredPromises/0/state").asText())
        .isEqualTo("Requirement not installed");
    Thread.sleep(3000); // long enough for the runner to have started it, were it not held
    assertThat(
            intake
                .get("/api/v1/resources/" + APP)
                .orElseThrow()
                .at("/status/kratix/workflows/pipelines"))
        .as("no pipeline of the App runs while its requirement is missing")
        .isEmpty();

    apply(compound("promise-backend.yaml"));

    JsonNode database = awaitResource(DATABASE, FourServices::reconciled);
    JsonNode labels = database.at("/metadata/labels");
    assertThat(labels.path("kratix.io/parent-promise-name").asText()).isEqualTo("backend");
    assertThat(labels.path("kratix.io/parent-resource-name").asText()).isEqualTo("shop-backend");
    assertThat(database.at("/spec/requester").asText()).isEqualTo("backend default/shop-backend");
    assertThat(GitFixtures.readFile(repo, "main", DATABASE_FILE).orElseThrow())
        .contains("numberOfInstances: 1");
    JsonNode backend = awaitResource(BACKEND, FourServices::reconciled);
    assertThat(backend.at("/metadata/labels/kratix.io~1parent-promise-name").asText())
        .isEqualTo("app");
    // The App's own outputs: the Deployment on the worker, the Backend request in the platform's
    // folder (committed as well as applied).
    assertThat(GitFixtures.listFiles(repo, "main"))
        .contains(
            "worker-1/resources/default/app/shop/app-configure/5058f/deployment.yaml",
            "worker-1/resources/default/backend/shop-backend/backend-configure/5058f/configmap.yaml")
        .anyMatch(f -> f.startsWith("platform/resources/default/app/shop/app-configure/"));

    JsonNode promise =
        awaitPromise("app", p -> "Available".equals(p.at("/status/status").asText()));
    assertThat(promise.at("/status/requiredPromises/0/state").asText())
        .isEqualTo("Requirement installed");

    JsonNode app = awaitResource(APP, FourServices::reconciled);
    JsonNode tree = app.at("/status/pledge/components");
    assertThat(tree.findValuesAsText("name")).containsExactly("shop-backend", "shop-backend-db");
    assertThat(tree.at("/0/components/0/promise").asText()).isEqualTo("postgresql");
  }

  @Test
  @Order(2)
  void aChangeToTheAppReachesTheDatabase() throws Exception {
    apply(compound("request.yaml").replace("databaseSize: small", "databaseSize: large"));

    awaitResource(DATABASE, r -> reconciled(r) && "large".equals(r.at("/spec/size").asText()));
    await()
        .atMost(FLOW)
        .until(
            () -> GitFixtures.readFile(repo, "main", DATABASE_FILE).orElse(""),
            f -> f.contains("numberOfInstances: 5"));
    assertThat(awaitResource(BACKEND, FourServices::reconciled).at("/spec/databaseSize").asText())
        .isEqualTo("large");
  }

  @Test
  @Order(3)
  void deletingTheAppDeletesTheTree() throws Exception {
    assertThat(pledge.delete("/api/v1/resources/" + APP)).isBetween(200, 204);

    for (String key : List.of(APP, BACKEND, DATABASE)) {
      await()
          .atMost(FLOW)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> intake.get("/api/v1/resources/" + key).isEmpty());
    }
    await()
        .atMost(FLOW)
        .until(
            () -> GitFixtures.listFiles(repo, "main"),
            files ->
                files.stream()
                    .noneMatch(
                        f ->
                            f.contains("/default/postgresql/shop-backend-db/")
                                || f.contains("/default/backend/shop-backend/")
                                || f.contains("/default/app/shop/")));
  }

  private void apply(String yaml) throws Exception {
    pledge.apply(yaml);
  }

  private String postgres(String file) throws IOException {
    return Files.readString(root.resolve("examples/postgres").resolve(file));
  }

  private String compound(String file) throws IOException {
    return Files.readString(root.resolve("examples/compound").resolve(file));
  }

  private JsonNode awaitResource(String key, Predicate<JsonNode> condition) {
    return pledge.await("/api/v1/resources/" + key, condition);
  }

  private JsonNode awaitPromise(String name, Predicate<JsonNode> condition) {
    return pledge.await("/api/v1/promises/" + name, condition);
  }
}
