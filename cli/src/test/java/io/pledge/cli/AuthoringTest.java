package io.pledge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.oci.ContainersConfig;
import io.pledge.oci.ImageReference;
import io.pledge.oci.Manifest;
import io.pledge.oci.Skopeo;
import io.pledge.testkit.oci.OciRegistry;
import io.pledge.testkit.oci.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kratix's authoring verbs on files: {@code init promise}, {@code update api}, {@code add
 * container}, {@code update destination-selector}, {@code build promise} and {@code build
 * container} (against a real registry).
 */
class AuthoringTest {

  @TempDir Path dir;
  CliRun cli;

  int pledge(String... args) {
    if (cli == null) {
      cli = new CliRun(dir);
    }
    return cli.pledge(args);
  }

  JsonNode yaml(String file) throws IOException {
    return KratixDocuments.YAML.readTree(Files.readString(dir.resolve(file)));
  }

  @Test
  void initWritesAPromiseWithAnApiAndEmptyWorkflowsAndRefusesToOverwriteIt() throws IOException {
    assertThat(
            pledge("init", "promise", "postgresql", "--group", "example.com", "--kind", "Database"))
        .as(cli.err())
        .isZero();

    JsonNode promise = yaml("promise.yaml");
    assertThat(promise.path("kind").asText()).isEqualTo("Promise");
    assertThat(promise.at("/metadata/name").asText()).isEqualTo("postgresql");
    JsonNode crd = promise.at("/spec/api");
    assertThat(crd.at("/metadata/name").asText()).isEqualTo("databases.example.com");
    assertThat(crd.at("/spec/names/singular").asText()).isEqualTo("database");
    assertThat(crd.at("/spec/versions/0/name").asText()).isEqualTo("v1alpha1");
    assertThat(crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/type").asText())
        .isEqualTo("object");
    assertThat(promise.at("/spec/workflows/resource/configure").isArray()).isTrue();
    JsonNode example = yaml("example-resource.yaml");
    assertThat(example.path("apiVersion").asText()).isEqualTo("example.com/v1alpha1");
    assertThat(example.path("kind").asText()).isEqualTo("Database");
    assertThat(dir.resolve("README.md")).content().contains("pledge update api");

    assertThat(pledge("init", "promise", "postgresql", "-g", "example.com", "-k", "Database"))
        .isEqualTo(1);
    assertThat(cli.err()).contains("promise.yaml already exists: nothing was written");
    assertThat(pledge("init", "promise", "x", "--kind", "X")).isEqualTo(2);
    assertThat(pledge("init", "promise", "x", "-g", "nodot", "-k", "X", "-d", "other"))
        .isEqualTo(1);
    assertThat(cli.err()).startsWith("error: invalid --group \"nodot\"");
    assertThat(dir.resolve("other")).doesNotExist();
  }

  @Test
  void updateApiAddsNestsRetypesAndRemovesFieldsAndRenamesTheApi() throws IOException {
    pledge("init", "promise", "postgresql", "-g", "example.com", "-k", "Database");

    assertThat(
            pledge(
                "update",
                "api",
                "-p",
                "size:string",
                "-p",
                "service.port:integer",
                "-p",
                "replicas:integer",
                "-p",
                "replicas-",
                "-p",
                "size:number"))
        .as(cli.err())
        .isZero();

    JsonNode spec =
        yaml("promise.yaml")
            .at("/spec/api/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties");
    assertThat(spec.at("/size/type").asText()).isEqualTo("number");
    assertThat(spec.at("/service/type").asText()).isEqualTo("object");
    assertThat(spec.at("/service/properties/port/type").asText()).isEqualTo("integer");
    assertThat(spec.has("replicas")).isFalse();

    assertThat(pledge("update", "api", "-p", "size:list")).isEqualTo(1);
    assertThat(cli.err()).contains("unsupported type \"list\"");
    assertThat(pledge("update", "api", "-p", "size.unit:string")).isEqualTo(1);
    assertThat(cli.err()).contains("cannot nest under \"size\": it is a number");
    assertThat(pledge("update", "api", "-p", "size")).isEqualTo(1);
    assertThat(cli.err()).contains("invalid property \"size\"");

    assertThat(pledge("update", "api", "--kind", "Db", "--group", "acme.io", "--version", "v1"))
        .isZero();
    JsonNode crd = yaml("promise.yaml").at("/spec/api");
    assertThat(crd.at("/metadata/name").asText()).isEqualTo("databases.acme.io");
    assertThat(crd.at("/spec/names/kind").asText()).isEqualTo("Db");
    assertThat(crd.at("/spec/versions/0/name").asText()).isEqualTo("v1");
    assertThat(yaml("example-resource.yaml").path("apiVersion").asText()).isEqualTo("acme.io/v1");

    Files.delete(dir.resolve("promise.yaml"));
    assertThat(pledge("update", "api", "-p", "a:string")).isEqualTo(1);
    assertThat(cli.err()).contains("run 'pledge init promise' there first");
  }

  @Test
  void addContainerAppendsToTheWorkflowAndScaffoldsABashStage() throws IOException {
    pledge("init", "promise", "postgresql", "-g", "example.com", "-k", "Database");

    assertThat(
            pledge(
                "add",
                "container",
                "resource/configure/instance",
                "--image",
                "registry.example.com/team/db-configure:v1"))
        .as(cli.err())
        .isZero();
    assertThat(pledge("add", "container", "resource/configure/instance", "-i", "example/notify:v2"))
        .isZero();

    JsonNode pipelines = yaml("promise.yaml").at("/spec/workflows/resource/configure");
    assertThat(pipelines).hasSize(1);
    assertThat(pipelines.at("/0/kind").asText()).isEqualTo("Pipeline");
    assertThat(pipelines.at("/0/metadata/name").asText()).isEqualTo("instance");
    assertThat(pipelines.at("/0/spec/containers/0/name").asText())
        .isEqualTo("registry-example-com-team-db-configure");
    assertThat(pipelines.at("/0/spec/containers/1/name").asText()).isEqualTo("example-notify");
    Path stage =
        dir.resolve("workflows/resource/configure/instance/registry-example-com-team-db-configure");
    assertThat(stage.resolve("Dockerfile"))
        .content()
        .contains("COPY --chmod=755 scripts/pipeline.sh");
    assertThat(stage.resolve("scripts/pipeline.sh"))
        .content()
        .contains("/kratix/input/object.yaml")
        .doesNotContain("RUN");
    assertThat(Files.isExecutable(stage.resolve("scripts/pipeline.sh"))).isTrue();

    assertThat(pledge("add", "container", "resource/configure/instance", "-i", "example/notify:v3"))
        .isEqualTo(1);
    assertThat(cli.err()).contains("container \"example-notify\" already exists");
    assertThat(pledge("add", "container", "resource/build/instance", "-i", "x:v1")).isEqualTo(1);
    assertThat(cli.err()).contains("invalid action \"build\"");
    assertThat(pledge("add", "container", "resource/configure/p", "-i", "x:v1", "-l", "go"))
        .isEqualTo(1);
    assertThat(cli.err()).contains("unsupported language \"go\"");
    assertThat(yaml("promise.yaml").at("/spec/workflows/resource/configure/0/spec/containers"))
        .hasSize(2);
  }

  @Test
  void destinationSelectorsAreSetAndRemovedByKey() throws IOException {
    pledge("init", "promise", "postgresql", "-g", "example.com", "-k", "Database");

    assertThat(pledge("update", "destination-selector", "environment=dev")).isZero();
    assertThat(pledge("update", "destination-selector", "zone=eu")).isZero();
    assertThat(pledge("update", "destination-selector", "zone-")).isZero();

    JsonNode selectors = yaml("promise.yaml").at("/spec/destinationSelectors");
    assertThat(selectors).hasSize(1);
    assertThat(selectors.at("/0/matchLabels").properties())
        .extracting(Map.Entry::getKey)
        .containsExactly("environment");
    assertThat(pledge("update", "destination-selector", "not a label")).isEqualTo(1);
  }

  @Test
  void aSplitPromiseIsAssembledFromItsFilesByBuildPromise() throws IOException {
    assertThat(pledge("init", "promise", "redis", "-g", "example.com", "-k", "Cache", "--split"))
        .isZero();
    assertThat(dir.resolve("promise.yaml")).doesNotExist();
    pledge("update", "api", "-p", "size:string");
    pledge("add", "container", "resource/configure/instance", "-i", "example/redis:v1");
    Files.writeString(
        dir.resolve("dependencies.yaml"),
        "- apiVersion: v1\n  kind: Namespace\n  metadata: {name: redis-system}\n");
    assertThat(dir.resolve("workflows/resource/configure/workflow.yaml")).exists();

    assertThat(pledge("build", "promise", "redis")).as(cli.err()).isZero();

    JsonNode promise = KratixDocuments.YAML.readTree(cli.out());
    assertThat(promise.at("/metadata/name").asText()).isEqualTo("redis");
    assertThat(promise.at("/spec/api/spec/names/kind").asText()).isEqualTo("Cache");
    assertThat(
            promise
                .at(
                    "/spec/api/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/size/type")
                .asText())
        .isEqualTo("string");
    assertThat(promise.at("/spec/workflows/resource/configure/0/spec/containers/0/image").asText())
        .isEqualTo("example/redis:v1");
    assertThat(promise.at("/spec/dependencies/0/kind").asText()).isEqualTo("Namespace");
    assertThat(pledge("build", "promise", "redis", "-d", "nowhere")).isEqualTo(1);
  }

  @Test
  void buildContainerBuildsTheScaffoldedFolderIntoThePipelinesImage() throws Exception {
    OciRegistry registry = OciRegistry.shared();
    String base = new TestImages(registry, dir.resolve("work")).busybox();
    String image = registry.reference("team/db-configure:v1");
    pledge("init", "promise", "postgresql", "-g", "example.com", "-k", "Database");
    pledge("add", "container", "resource/configure/instance", "-i", image, "-n", "configure");
    Path dockerfile = dir.resolve("workflows/resource/configure/instance/configure/Dockerfile");
    // The scaffold's base is the examples' tools image; a busybox base stands in for it here.
    Files.writeString(
        dockerfile, Files.readString(dockerfile).replaceFirst("(?m)^FROM .*$", "FROM " + base));

    assertThat(pledge("build", "container", "resource/configure/instance")).as(cli.err()).isZero();

    byte[] manifest =
        new Skopeo(Path.of("skopeo"), ContainersConfig.fromEnvironment(Map.of()))
            .inspectRaw(ImageReference.parse(image), Duration.ofMinutes(1));
    assertThat(cli.out().strip())
        .isEqualTo(
            "resource/configure/instance/configure: pushed "
                + ImageReference.parse(image)
                + "@"
                + Manifest.digestOf(manifest));
    assertThat(pledge("build", "container", "resource/configure/other")).isEqualTo(1);
    assertThat(cli.err()).contains("no pipeline resource/configure/other");
    assertThat(pledge("build", "container")).isEqualTo(2);
  }
}
