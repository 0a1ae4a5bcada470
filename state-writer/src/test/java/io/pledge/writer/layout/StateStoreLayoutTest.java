package io.pledge.writer.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.work.Work;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StateStoreLayoutTest {

  static final String DOT = "5058f1af8388633f609cadb75a75dc9d";

  static Work work(String type, String pipeline) {
    boolean resource = Work.RESOURCE.equals(type);
    return new Work(
        resource ? "default/postgresql/example" : "postgresql",
        type,
        "postgresql",
        resource ? "default" : null,
        resource ? "example" : null,
        pipeline,
        1,
        List.of());
  }

  @Test
  void placesResourceFilesWhereKratixDoes() {
    String root = StateStoreLayout.destinationRoot("", "worker-1");
    String folder =
        StateStoreLayout.groupFolder(root, work(Work.RESOURCE, "instance-configure"), DOT);

    assertThat(StateStoreLayout.file(folder, "postgres-instance.yaml"))
        .isEqualTo(
            "worker-1/resources/default/postgresql/example/instance-configure/5058f/postgres-instance.yaml");
  }

  @Test
  void placesPromiseWorksUnderDependencies() {
    String folder =
        StateStoreLayout.groupFolder("worker-1", work(Work.PROMISE, "promise-configure"), DOT);

    assertThat(folder).isEqualTo("worker-1/dependencies/postgresql/promise-configure/5058f");
  }

  @Test
  void placesStaticDependenciesWithoutPipelineFolder() {
    String folder =
        StateStoreLayout.groupFolder("worker-1", work(Work.STATIC_DEPENDENCY, null), DOT);

    assertThat(StateStoreLayout.file(folder, "static/postgresql-dependencies.yaml"))
        .isEqualTo("worker-1/dependencies/postgresql/5058f/static/postgresql-dependencies.yaml");
  }

  @Test
  void prefixesTheStateStorePath() {
    assertThat(StateStoreLayout.destinationRoot("clusters/prod", "worker-1"))
        .isEqualTo("clusters/prod/worker-1");
    assertThat(StateStoreLayout.destinationRoot("/clusters/prod/", "worker-1/"))
        .isEqualTo("clusters/prod/worker-1");
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "/", ""})
  void destinationPathDotOrSlashMeansTheStoreRoot(String path) {
    assertThat(StateStoreLayout.destinationRoot(null, path)).isEmpty();
    assertThat(StateStoreLayout.destinationRoot("prefix", path)).isEqualTo("prefix");
    assertThat(
            StateStoreLayout.groupFolder(
                StateStoreLayout.destinationRoot(null, path),
                work(Work.RESOURCE, "instance-configure"),
                DOT))
        .isEqualTo("resources/default/postgresql/example/instance-configure/5058f");
  }

  @Test
  void dropsDotSegmentsOfFilePaths() {
    assertThat(StateStoreLayout.file("a", "./b//c.yaml")).isEqualTo("a/b/c.yaml");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../x.yaml",
        "/etc/passwd",
        "a/../../b.yaml",
        "a/..",
        ".git/config",
        "x\\..\\y",
        ""
      })
  void rejectsFilePathsThatEscape(String filepath) {
    assertThatThrownBy(() -> StateStoreLayout.file("worker-1/resources", filepath))
        .isInstanceOf(EscapingPathException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../other", "a/../../b", ".git"})
  void rejectsDestinationPathsThatEscape(String path) {
    assertThatThrownBy(() -> StateStoreLayout.destinationRoot("", path))
        .isInstanceOf(EscapingPathException.class);
  }

  @Test
  void rejectsNamesThatAreNotOneSegment() {
    assertThatThrownBy(
            () -> StateStoreLayout.resourceFolder("w", new ResourceKey("..", "postgresql", "x")))
        .isInstanceOf(EscapingPathException.class);
    assertThatThrownBy(
            () -> StateStoreLayout.groupFolder("w", work(Work.RESOURCE, "a/../../b"), DOT))
        .isInstanceOf(EscapingPathException.class);
  }

  @Test
  void namesTheCanaryFiles() {
    assertThat(StateStoreLayout.canaryFiles("worker-1"))
        .containsExactly(
            "worker-1/dependencies/kratix-canary-namespace.yaml",
            "worker-1/resources/kratix-canary-configmap.yaml");
  }

  @Test
  void withdrawalFoldersCoverAResourceOrAPipeline() {
    ResourceKey key = ResourceKey.parse("default/postgresql/example");
    assertThat(StateStoreLayout.resourceFolder("worker-1", key))
        .isEqualTo("worker-1/resources/default/postgresql/example");
    assertThat(StateStoreLayout.resourcePipelineFolder("worker-1", key, "instance-configure"))
        .isEqualTo("worker-1/resources/default/postgresql/example/instance-configure");
    assertThat(StateStoreLayout.promisePipelineFolder("", "postgresql", "p"))
        .isEqualTo("dependencies/postgresql/p");
  }
}
