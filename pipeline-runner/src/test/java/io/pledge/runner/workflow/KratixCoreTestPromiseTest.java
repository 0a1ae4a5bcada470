package io.pledge.runner.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.Promise;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.work.DestinationSelector;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.oci.ContainersConfig;
import io.pledge.runner.StageImages;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.SandboxExecutor;
import io.pledge.testkit.oci.OciRegistry;
import io.pledge.testkit.oci.RegistriesConf;
import io.pledge.testkit.oci.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kratix's core system test Promise ({@code testbundle}, see {@code
 * src/test/resources/kratix-core-test}) runs unchanged: its containers name {@code
 * syntasso/test-bundle-image:v0.1.0} and a bare command ({@code promise-configure.sh}) found on the
 * image's PATH; the scripts use the image's {@code yq} and {@code kubectl}. The image is built here
 * and served under docker.io's name by a registries.conf remap.
 */
class KratixCoreTestPromiseTest {

  static final Path FIXTURE = Path.of("src/test/resources/kratix-core-test").toAbsolutePath();
  static final ResourceKey KEY = ResourceKey.parse("default/testbundle/kratix-test");

  @TempDir Path dir;
  RecordingEvents events;
  WorkflowRunner runner;
  Promise promise;
  JsonNode promiseDocument;

  @BeforeEach
  void setUp() throws Exception {
    OciRegistry registry = OciRegistry.shared();
    String location = registry.host() + "/docker.io/syntasso";
    buildTestBundleImage(new TestImages(registry, dir.resolve("build")), location);
    Path conf =
        RegistriesConf.remap(
            dir.resolve("registries.conf"), Map.of("docker.io/syntasso", location));
    events = new RecordingEvents();
    PipelineRunner pipelines =
        new PipelineRunner(
            new SandboxExecutor(Path.of("/usr/bin/bwrap"), 8192, dir.resolve("etc")),
            StageImages.store(
                dir.resolve("cache"),
                Duration.ofSeconds(60),
                ContainersConfig.fromEnvironment(Map.of()).withRegistriesConf(conf)),
            new OutputInspector(1_000_000, 100),
            dir.resolve("runs"),
            Duration.ofSeconds(30),
            0);
    runner = new WorkflowRunner(pipelines, events, Duration.ofSeconds(5));
    promiseDocument =
        KratixDocuments.readAll(Files.readString(FIXTURE.resolve("promise.yaml"))).get(0);
    promise = KratixDocuments.convert(promiseDocument, Promise.class);
  }

  @Test
  void thePromiseWorkflowWritesItsDependencies() {
    assertThat(runner.configurePromise("testbundle", 1, promise, promiseDocument, () -> false))
        .as(events.types().toString())
        .isTrue();

    Work work = events.data(EventType.WORK_UPSERTED, Work.class).get(0);
    assertThat(work.pipeline()).isEqualTo("setup-deps");
    Map<String, String> files = files(work.workloadGroups().get(0));
    assertThat(files.get("namespace.yaml")).contains("kind: Namespace", "name: testbundle-ns");
    assertThat(files.get("configmap.yaml"))
        .contains("kind: ConfigMap", "name: testbundle-cm", "namespace: testbundle-ns")
        .contains("promiseEnv: undefined")
        .containsPattern("timestamp: \"\\d{10}\"");
  }

  @Test
  void theRequestRunsBothPipelinesTheSecondSeeingTheFirstsStatus() throws Exception {
    JsonNode request =
        KratixDocuments.readAll(Files.readString(FIXTURE.resolve("request.yaml"))).get(0);

    boolean completed = runner.configureResource(KEY, 1, request, promise, () -> false);

    assertThat(completed).as(events.types().toString()).isTrue();
    List<Work> works = events.data(EventType.WORK_UPSERTED, Work.class);
    assertThat(works)
        .extracting(Work::pipeline)
        .containsExactly("resource-pipeline0", "resource-pipeline1");

    // Pipeline 0: one config map per directory, each directory to its own worker.
    List<WorkloadGroup> groups = works.get(0).workloadGroups();
    assertThat(groups).extracting(WorkloadGroup::directory).containsExactly("dest1", "dest2");
    assertThat(files(groups.get(0)))
        .containsOnlyKeys("dest1/configmap.yaml")
        .hasValueSatisfying(
            new Condition<>(v -> v.contains("name: ksystest-cm-1"), "config map 1"));
    assertThat(files(groups.get(1)))
        .containsOnlyKeys("dest2/configmap.yaml")
        .hasValueSatisfying(
            new Condition<>(v -> v.contains("name: ksystest-cm-2"), "config map 2"));
    assertThat(labels(groups.get(0))).contains(Map.of("target", "worker-1"));
    assertThat(labels(groups.get(1))).contains(Map.of("target", "worker-2"));

    // Pipeline 1 exits 1 unless it read stage "one" back through object.yaml.
    WorkloadGroup last = works.get(1).workloadGroups().get(0);
    assertThat(files(last).get("namespace.yaml")).contains("kind: Namespace", "name: ksystest");
    assertThat(labels(last)).contains(Map.of("target", "worker-1"));
    List<PipelineSucceeded> succeeded =
        events.data(EventType.PIPELINE_SUCCEEDED, PipelineSucceeded.class);
    assertThat(succeeded.get(0).status().path("stage").asText()).isEqualTo("one");
    assertThat(succeeded.get(1).status().path("stage").asText()).isEqualTo("two");
    assertThat(succeeded.get(1).status().path("completed").asBoolean()).isTrue();
    assertThat(succeeded.get(1).containers())
        .singleElement()
        .satisfies(c -> assertThat(c.image()).isEqualTo("syntasso/test-bundle-image:v0.1.0"))
        .satisfies(c -> assertThat(c.imageDigest()).startsWith("sha256:"));
  }

  private static Map<String, String> files(WorkloadGroup group) {
    Map<String, String> files = new TreeMap<>();
    group
        .workloads()
        .forEach(w -> files.put(w.filepath(), new String(w.bytes(), StandardCharsets.UTF_8)));
    return files;
  }

  private static List<Map<String, String>> labels(WorkloadGroup group) {
    return group.destinationSelectors().stream().map(DestinationSelector::matchLabels).toList();
  }

  /**
   * The image of Kratix's test: busybox (for sh, awk, date), the host's kubectl with the libraries
   * it links, the fixture's yq and scripts in /usr/bin, no entrypoint.
   */
  static void buildTestBundleImage(TestImages images, String location) throws Exception {
    Path context = Files.createTempDirectory("test-bundle-image");
    try (Stream<Path> files = Files.walk(FIXTURE.resolve("image"))) {
      for (Path source : files.toList()) {
        Path target = context.resolve(FIXTURE.resolve("image").relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    Path kubectl = Path.of(run("sh", "-c", "command -v kubectl").strip()).toRealPath();
    Path rootfs = context.resolve("rootfs");
    copyInto(rootfs, kubectl, Path.of("/usr/bin/kubectl"));
    // A dynamically linked kubectl (Debian's) brings its libraries and loader.
    Matcher libs =
        Pattern.compile("(/\\S+\\.so[.\\d]*)")
            .matcher(run("sh", "-c", "ldd " + kubectl + " || true"));
    while (libs.find()) {
      Path lib = Path.of(libs.group(1));
      copyInto(rootfs, lib.toRealPath(), lib);
    }
    Path containerfile = context.resolve("Containerfile");
    Files.writeString(
        containerfile,
        Files.readString(containerfile)
            .replace("BUSYBOX", images.busybox())
            .replace("ENTRYPOINT", "COPY rootfs/ /\nENTRYPOINT"));
    images.build(context, location + "/test-bundle-image:v0.1.0");
  }

  private static void copyInto(Path rootfs, Path source, Path pathInImage) throws IOException {
    Path target = rootfs.resolve(pathInImage.toString().substring(1));
    Files.createDirectories(target.getParent());
    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    target.toFile().setExecutable(true, false);
  }

  private static String run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(String.join(" ", argv) + " did not finish");
    }
    return out;
  }
}
