package io.pledge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.testkit.git.GitFixtures;
import io.pledge.testkit.oci.ExampleImages;
import io.pledge.testkit.oci.OciRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A platform engineer's first Promise, made with nothing but the {@code pledge} CLI as shipped
 * ({@code cli/pledge}): {@code init promise}, {@code update api}, {@code add container}, the
 * scaffolded script extended, {@code build container} into a real registry, {@code test pipeline}
 * on this host, {@code update destination-selector}, {@code build promise}, {@code apply}; its
 * example request, with a field the API gained, is Reconciled by the four packaged services with
 * the script's output in Git.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthoringIT {

  private final Path root =
      Path.of(System.getProperty("pledge.root", "..")).toAbsolutePath().normalize();
  private final OciRegistry registry = OciRegistry.shared();
  private Path registriesConf;
  private FourServices pledge;
  private Path work;

  @BeforeAll
  void startPledge() throws IOException {
    // The scaffold's base image, ghcr.io/pledge-io/examples/tools, comes from here.
    registriesConf = ExampleImages.publish(registry, root);
    pledge = new FourServices(root, "authoring", registriesConf);
    work = Files.createTempDirectory("pledge-authoring");
  }

  @AfterAll
  void stopPledge() {
    if (pledge != null) {
      pledge.close();
    }
  }

  /** What a call printed and its exit code. */
  private record Call(int code, String out) {}

  private Call pledge(String... args) throws Exception {
    return pledgeWith(Map.of(), args);
  }

  /** A call with {@code env} over the usual server, token and registries. */
  private Call pledgeWith(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(root.resolve("cli/pledge").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
    builder.environment().put("PLEDGE_SERVER", pledge.intake().url());
    builder.environment().put("PLEDGE_TOKEN", pledge.token());
    builder.environment().put("CONTAINERS_REGISTRIES_CONF", registriesConf.toString());
    // test pipeline's image cache, in the test's folder rather than the user's.
    builder.environment().put("XDG_CACHE_HOME", work.resolve("cache").toString());
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return new Call(process.exitValue(), out);
  }

  private void ok(String... args) throws Exception {
    Call call = pledge(args);
    assertThat(call.code()).as("pledge %s: %s", String.join(" ", args), call.out()).isZero();
  }

  @Test
  void aPromiseAuthoredWithTheCliIsAppliedAndItsRequestReconciled() throws Exception {
    String image = registry.reference("authoring/cache-configure:v1");
    ok("init", "promise", "cache", "--group", "example.com", "--kind", "Cache");
    ok("update", "api", "-p", "size:string", "-p", "eviction.policy:string");
    ok("add", "container", "resource/configure/instance", "--image", image, "--name", "configure");
    Path script =
        work.resolve("workflows/resource/configure/instance/configure/scripts/pipeline.sh");
    // The engineer's part: the scaffold reads the request; this writes what it asks for.
    Files.writeString(
        script,
        Files.readString(script)
            + """
            size="$(yq -r '.spec.size' /kratix/input/object.yaml)"
            cat > /kratix/output/cache.yaml <<EOF
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: ${name}-cache
              namespace: ${namespace}
            data:
              size: ${size}
            EOF
            """);
    Call built = pledge("build", "container", "resource/configure/instance");
    assertThat(built.code()).as(built.out()).isZero();
    assertThat(built.out()).contains("resource/configure/instance/configure: pushed " + image);
    Files.writeString(
        work.resolve("example-resource.yaml"),
        Files.readString(work.resolve("example-resource.yaml")).replace("spec: {}", "spec:")
            + "  size: large\n");
    // Before any service sees it: the pipeline run on this host, in the runner's sandbox.
    Call tried = pledge("test", "pipeline", ".", "--input", "example-resource.yaml");
    assertThat(tried.code()).as(tried.out()).isZero();
    assertThat(tried.out())
        .contains("# instance: /kratix/output/cache.yaml")
        .contains("name: example-cache-cache")
        .contains("size: large");
    ok("update", "destination-selector", "environment=dev");
    ok("build", "promise", "cache", "-o", "cache-promise.yaml");
    Files.writeString(work.resolve("store.yaml"), pledge.gitStateStore(root));
    Files.copy(
        root.resolve("examples/postgres/destination.yaml"), work.resolve("destination.yaml"));

    ok("apply", "-f", "store.yaml");
    ok("apply", "-f", "destination.yaml");
    ok("apply", "-f", "cache-promise.yaml");
    ok("apply", "-f", "example-resource.yaml");
    Call waited =
        pledge("wait", "cache", "example-cache", "--for=condition=Reconciled", "--timeout=120s");

    assertThat(waited.code()).as(waited.out()).isZero();
    String file =
        GitFixtures.listFiles(pledge.repo(), "main").stream()
            .filter(f -> f.startsWith("worker-1/resources/default/cache/example-cache/instance/"))
            .filter(f -> f.endsWith("/cache.yaml"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no cache.yaml in the state store"));
    assertThat(GitFixtures.readFile(pledge.repo(), "main", file).orElseThrow())
        .contains("name: example-cache-cache")
        .contains("size: large");
    Call described = pledge("describe", "cache", "example-cache");
    assertThat(described.out()).contains("Reconciled");
  }

  /** Each refusal, from the real services, is one line with the exit code cli/README documents. */
  @Test
  void everyRefusalOfTheRealIntakeIsOneLineWithItsExitCode() throws Exception {
    Call unknown = pledge("get", "nosuch");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.out()).startsWith("error: 404").contains("nosuch");

    Call unauthorised = pledgeWith(Map.of("PLEDGE_TOKEN", "not-a-token"), "get", "promises");
    assertThat(unauthorised.code()).isEqualTo(1);
    assertThat(unauthorised.out()).startsWith("error: 401");

    Map<String, String> requester = Map.of("PLEDGE_TOKEN", FourServices.REQUESTER_TOKEN);
    Call forbidden =
        pledgeWith(
            requester,
            "apply",
            "-f",
            root.resolve("examples/postgres/destination.yaml").toString());
    assertThat(forbidden.code()).isEqualTo(1);
    assertThat(forbidden.out()).startsWith("error: 403");
    Call otherNamespace = pledgeWith(requester, "get", "postgresql", "-n", "default", "anything");
    assertThat(otherNamespace.code()).isEqualTo(1);
    assertThat(otherNamespace.out()).startsWith("error: 403").contains("default");
    Call deletePromise = pledgeWith(requester, "delete", "promise", "postgresql");
    assertThat(deletePromise.code()).isEqualTo(1);
    assertThat(deletePromise.out()).startsWith("error: 403").contains("platform-admin");

    Call unreachable = pledgeWith(Map.of("PLEDGE_SERVER", "http://127.0.0.1:1"), "get", "promises");
    assertThat(unreachable.code()).isEqualTo(3);
    assertThat(unreachable.out()).startsWith("error: cannot reach request-intake");

    Path bad = Files.createDirectories(work.resolve("bad"));
    Files.writeString(
        bad.resolve("a-destination.yaml"),
        "apiVersion: platform.kratix.io/v1alpha1\nkind: Destination\nmetadata: {name: never}\n"
            + "spec: {path: never, stateStoreRef: {kind: GitStateStore, name: default}}\n");
    Files.writeString(bad.resolve("b-broken.yaml"), "kind: [unclosed\n");
    Call broken = pledge("apply", "-f", "bad");
    assertThat(broken.code()).isEqualTo(1);
    assertThat(broken.out()).startsWith("error: bad/b-broken.yaml is not YAML or JSON");
    assertThat(pledge("get", "destinations", "never").code())
        .as("the good file was not applied either")
        .isEqualTo(1);

    ok("apply", "-f", root.resolve("examples/postgres/promise.yaml").toString());
    Files.writeString(
        work.resolve("too-big.yaml"),
        Files.readString(root.resolve("examples/postgres/request.yaml"))
            .replace("size: small", "size: enormous"));
    Call invalid = pledge("apply", "-f", "too-big.yaml");
    assertThat(invalid.code()).isEqualTo(1);
    assertThat(invalid.out()).startsWith("error: 422").contains("/spec/size");

    for (Call call :
        List.of(
            unknown,
            unauthorised,
            forbidden,
            otherNamespace,
            deletePromise,
            unreachable,
            broken,
            invalid)) {
      assertThat(call.out()).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }
}
