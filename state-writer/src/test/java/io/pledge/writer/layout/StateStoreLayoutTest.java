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

  @Test
  void otherModesPutTheCanaryFilesDirectlyInTheDestinationFolder() {
    assertThat(StateStoreLayout.canaryFiles("worker-1", "none"))
        .containsExactly(
            "worker-1/kratix-canary-namespace.yaml", "worker-1/kratix-canary-configmap.yaml");
    assertThat(StateStoreLayout.canaryFiles("", "aggregatedYAML"))
        .containsExactly("kratix-canary-namespace.yaml", "kratix-canary-configmap.yaml");
  }

  @Test
  void aggregatedFileIsAggregatedYamlUnlessNamed() {
    assertThat(StateStoreLayout.aggregatedFile("clusters/w", null))
        .isEqualTo("clusters/w/aggregated.yaml");
    assertThat(StateStoreLayout.aggregatedFile("clusters/w", "all/in-one.yaml"))
        .isEqualTo("clusters/w/all/in-one.yaml");
    assertThatThrownBy(() -> StateStoreLayout.aggregatedFile("w", "../out.yaml"))
        .isInstanceOf(EscapingPathException.class);
  }

  @Test
  void stateFileIsNamedAfterTheWorkPlacement() {
    String name =
        StateStoreLayout.workPlacementName(
            "default/postgresql/example",
            Work.RESOURCE,
            "postgresql",
            "example",
            "instance-configure",
            "worker-1",
            DOT);

    assertThat(name).matches("postgresql-example-instance-configure-[0-9a-f]{5}\\.worker-1-5058f");
    assertThat(StateStoreLayout.stateFile("worker-1", "default", name))
        .isEqualTo("worker-1/.kratix/default-" + name + ".yaml");
  }

  @Test
  void workPlacementNamesFollowKratixIdentifiers() {
    assertThat(
            StateStoreLayout.workPlacementName(
                "postgresql", Work.PROMISE, "postgresql", null, "promise-configure", "w", DOT))
        .startsWith("postgresql-promise-configure-")
        .endsWith(".w-5058f");
    assertThat(
            StateStoreLayout.workPlacementName(
                "postgresql", Work.STATIC_DEPENDENCY, "postgresql", null, null, "w", DOT))
        .startsWith("postgresql-static-deps-");
    assertThat(StateStoreLayout.placementNamespace(Work.RESOURCE, "team-a")).isEqualTo("team-a");
    assertThat(StateStoreLayout.placementNamespace(Work.PROMISE, null))
        .isEqualTo("kratix-platform-system");
  }

  @Test
  void sameWorkGetsTheSameNameAndAnotherWorkAnother() {
    String a =
        StateStoreLayout.workPlacementName("ns/p/a-b", Work.RESOURCE, "p", "a-b", "c", "w", DOT);
    String b =
        StateStoreLayout.workPlacementName("ns/p-a/b", Work.RESOURCE, "p-a", "b", "c", "w", DOT);

    assertThat(a)
        .isEqualTo(
            StateStoreLayout.workPlacementName(
                "ns/p/a-b", Work.RESOURCE, "p", "a-b", "c", "w", DOT));
    // Kratix's identifiers alone would collide here ("p-a-b-c"); the hash keeps them apart.
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void stateFileListsPathsAsKratixWritesThem() {
    assertThat(
            new String(
                KratixStateFile.render(List.of("worker-1/cm.yaml", "worker-1/a b.yaml", "true")),
                java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("files:\n- worker-1/cm.yaml\n- worker-1/a b.yaml\n- \"true\"\n");
    assertThat(
            new String(KratixStateFile.render(List.of()), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("files: []\n");
  }

  @Test
  void stateFileReadsBackWhatItWrote() {
    List<String> files = List.of("w/cm.yaml", "w/x: y.yaml", "w/#hash.yaml", "123");

    assertThat(KratixStateFile.parse(KratixStateFile.render(files))).isEqualTo(files);
    assertThat(KratixStateFile.parse("files:\n  - a.yaml\n".getBytes())).containsExactly("a.yaml");
    assertThat(KratixStateFile.parse("not: [valid".getBytes())).isEmpty();
    assertThat(KratixStateFile.parse(new byte[0])).isEmpty();
  }
}
