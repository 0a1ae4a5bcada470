package io.pledge.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * deploy/helm/pledge: linted and rendered by Helm itself (helm-java runs Helm's Go library in the
 * JVM); with its defaults it renders exactly the objects of the Kustomize base (labels and
 * namespaces aside, which each tool adds its own way), so the two cannot drift; its values change
 * what they say.
 */
class HelmChartTest {

  private static final Path ROOT = ManifestConsistencyTest.projectRoot();
  private static final Path CHART = ROOT.resolve("deploy/helm/pledge");

  /** Labels that say which tool made an object, not what it is. */
  private static final Set<String> TOOL_LABELS =
      Set.of(
          "app.kubernetes.io/part-of",
          "app.kubernetes.io/managed-by",
          "app.kubernetes.io/instance",
          "helm.sh/chart");

  private static String render(UnaryOperator<TemplateCommand> values) {
    return values
        .apply(new Helm(CHART).template().withName("pledge").withNamespace("pledge"))
        .call();
  }

  @Test
  void helmLintsTheChartStrictly() {
    LintResult lint = new Helm(CHART).lint().strict().call();

    assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
  }

  @Test
  void theDefaultsRenderTheKustomizeBase() throws Exception {
    Map<String, JsonNode> chart = byKindAndName(render(t -> t));
    Map<String, JsonNode> base = byKindAndName(kustomize(ROOT.resolve("deploy/kubernetes/base")));
    // Helm installs crds/ apart (helm template leaves them out) and makes no namespace.
    base.keySet()
        .removeIf(k -> k.startsWith("CustomResourceDefinition/") || k.startsWith("Namespace/"));

    assertThat(base).as("the base's objects").hasSizeGreaterThan(40);
    assertThat(chart.keySet()).containsExactlyInAnyOrderElementsOf(base.keySet());
    for (String key : base.keySet()) {
      assertThat(chart.get(key)).as(key).isEqualTo(base.get(key));
    }
  }

  @Test
  void theChartsCrdsAreTheBases() throws Exception {
    assertThat(Files.readString(CHART.resolve("crds/kratix.yaml")))
        .isEqualTo(Files.readString(ROOT.resolve("deploy/kubernetes/base/crds/kratix.yaml")));
  }

  @Test
  void valuesChangeWhatTheySay() throws Exception {
    Map<String, JsonNode> chart =
        byKindAndName(
            render(
                t ->
                    t.set("kafka.bootstrapServers", "kafka.example:9092")
                        .set("kafka.strimzi.enabled", "false")
                        .set("image.tag", "1.2.3")
                        .set("requestIntake.replicas", "2")
                        .set("auth.mode", "oidc")
                        .set("executor", "sandbox")));

    assertThat(chart.keySet()).noneMatch(k -> k.startsWith("Kafka"));
    assertThat(chart.entrySet())
        .filteredOn(e -> e.getKey().startsWith("ConfigMap/"))
        .hasSize(4)
        .allSatisfy(
            e ->
                assertThat(e.getValue().at("/data/KAFKA_BOOTSTRAP_SERVERS").asText())
                    .isEqualTo("kafka.example:9092"));
    assertThat(chart.entrySet())
        .filteredOn(e -> e.getKey().startsWith("Deployment/"))
        .hasSize(4)
        .allSatisfy(
            e ->
                assertThat(e.getValue().at("/spec/template/spec/containers/0/image").asText())
                    .endsWith(":1.2.3"));
    assertThat(chart.get("Deployment/request-intake").at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(chart).containsKey("PodDisruptionBudget/request-intake");
    assertThat(chart).doesNotContainKey("PodDisruptionBudget/notifier");
    assertThat(chart.get("ConfigMap/request-intake").at("/data/PLEDGE_INTAKE_AUTH_MODE").asText())
        .isEqualTo("oidc");
    assertThat(chart.get("ConfigMap/pipeline-runner").at("/data/PLEDGE_RUNNER_EXECUTOR").asText())
        .isEqualTo("sandbox");
  }

  @Test
  void theReleaseNamespaceIsTheOneTheServiceAccountsAreBoundIn() {
    Map<String, JsonNode> chart =
        byKindAndName(
            new Helm(CHART).template().withName("p").withNamespace("platform").call(), false);

    assertThat(
            chart
                .get("ClusterRoleBinding/pledge-request-intake")
                .at("/subjects/0/namespace")
                .asText())
        .isEqualTo("platform");
    assertThat(
            chart
                .get("ClusterRoleBinding/pledge-pipeline-runner")
                .at("/subjects/0/namespace")
                .asText())
        .isEqualTo("platform");
  }

  private static String kustomize(Path folder) throws Exception {
    Process p =
        new ProcessBuilder("kubectl", "kustomize", folder.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static Map<String, JsonNode> byKindAndName(String yaml) {
    return byKindAndName(yaml, true);
  }

  /** Each object by {@code Kind/name}; normalised: no namespace, no tool labels. */
  private static Map<String, JsonNode> byKindAndName(String yaml, boolean normalise) {
    Map<String, JsonNode> objects = new TreeMap<>();
    for (JsonNode node : ManifestConsistencyTest.readAll(yaml)) {
      if (normalise) {
        ((ObjectNode) node.path("metadata")).remove("namespace");
        stripToolLabels(node);
        if (node.path("kind").asText().equals("RoleBinding")
            || node.path("kind").asText().equals("ClusterRoleBinding")) {
          node.path("subjects").forEach(s -> ((ObjectNode) s).remove("namespace"));
        }
      }
      String key = node.path("kind").asText() + "/" + node.at("/metadata/name").asText();
      assertThat(objects.put(key, node)).as("%s twice", key).isNull();
    }
    return objects;
  }

  private static void stripToolLabels(JsonNode node) {
    if (node.isObject()) {
      JsonNode labels = node.get("labels");
      if (labels instanceof ObjectNode l) {
        l.remove(TOOL_LABELS);
        if (l.isEmpty()) {
          ((ObjectNode) node).remove("labels");
        }
      }
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        stripToolLabels(it.next());
      }
    } else if (node.isArray()) {
      node.forEach(HelmChartTest::stripToolLabels);
    }
  }
}
