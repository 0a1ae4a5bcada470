package io.pledge.runner.kubernetes;

import static io.pledge.runner.kubernetes.RealClusterResource.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.Topics;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.pipeline.PipelineFailed;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.work.Work;
import io.pledge.runner.PlaysIntake;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.pledge.testkit.kubernetes.TestCluster;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes executor against a real API server and controller manager ({@link
 * RealClusterResource}), with the runner's own ServiceAccount and RBAC from the manifests. The real
 * Job controller makes the Pods; there is no kubelet, so the test plays the node: it writes the
 * hand-back ConfigMap the Job's last container would write and marks the Pod Succeeded, and the Job
 * controller completes the Job. (A container's exit code and logs, which only a kubelet reports,
 * are covered against the Fabric8 mock in {@link KubernetesJobFlowTest}.)
 */
@QuarkusTest
@Tag(TestCluster.TAG)
@TestProfile(KubernetesJobRealServerTest.RealServerProfile.class)
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(value = RealClusterResource.class, restrictToAnnotatedClass = true)
class KubernetesJobRealServerTest {

  public static class RealServerProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "pledge.runner.executor", "kubernetes",
          "pledge.runner.kubernetes.poll-interval", "200ms",
          "pledge.runner.kubernetes.handback-grace", "10s",
          "pledge.runner.work-dir", "target/k8s-real-runner-" + System.nanoTime());
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String PROMISE = "realdb";

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  private EventProbe probe;
  private final TestCluster cluster = RealClusterResource.cluster();

  @BeforeEach
  void setUp() {
    probe = new EventProbe(bootstrap, Topics.STATUS, Topics.WORKS);
    JsonNode promise =
        KratixDocuments.readAll(
                """
                apiVersion: platform.kratix.io/v1alpha1
                kind: Promise
                metadata: {name: realdb, generation: 1}
                spec:
                  api:
                    apiVersion: apiextensions.k8s.io/v1
                    kind: CustomResourceDefinition
                    metadata: {name: databases.real.pledge.io}
                    spec:
                      group: real.pledge.io
                      scope: Namespaced
                      names: {kind: Database, plural: databases}
                      versions: [{name: v1, served: true, storage: true}]
                  workflows:
                    resource:
                      configure:
                        - apiVersion: platform.kratix.io/v1alpha1
                          kind: Pipeline
                          metadata: {name: instance-configure}
                          spec:
                            containers:
                              - name: render
                                image: ghcr.io/example/render:v1
                                env: [{name: SIZE, value: large}]
                """)
            .get(0);
    new PlaysIntake(probe).promise(PROMISE, 1, promise);
  }

  @AfterEach
  void tearDown() {
    probe.close();
  }

  @Test
  void aJobsPodIsMadeByTheJobControllerAndEverythingGoesWithTheJob() throws Exception {
    ResourceKey key = new ResourceKey(NAMESPACE, PROMISE, "db1");
    publishRequest(key);

    JsonNode job = awaitJob(key);
    String name = job.at("/metadata/name").asText();
    String uid = job.at("/metadata/uid").asText();
    // What the runner made as its ServiceAccount, as the server stored it.
    String serviceAccount = "realdb-resource-configure-instance-configure";
    assertThat(job.at("/spec/template/spec/serviceAccountName").asText()).isEqualTo(serviceAccount);
    assertThat(get("serviceaccount", serviceAccount).at("/metadata/name").asText())
        .isEqualTo(serviceAccount);
    JsonNode role = get("role", KubernetesJobExecutor.HANDBACK_ROLE);
    assertThat(role.at("/rules/0/resources").toString()).contains("configmaps");
    assertThat(get("rolebinding", serviceAccount + "-handback").at("/subjects/0/name").asText())
        .isEqualTo(serviceAccount);
    JsonNode input =
        await().atMost(WAIT).until(() -> find("configmap", name + "-input"), n -> n != null);
    assertThat(input.at("/metadata/ownerReferences/0/uid").asText()).isEqualTo(uid);
    assertThat(input.at("/data/object.yaml").asText()).contains("name: db1");

    // The Job controller made the Pod (Pending: no kubelet, no scheduler).
    JsonNode pod =
        await()
            .atMost(WAIT)
            .until(
                () -> list("pods", "-l", "job-name=" + name),
                pods -> pods.path("items").size() == 1)
            .path("items")
            .get(0);
    assertThat(pod.at("/status/phase").asText()).isEqualTo("Pending");
    assertThat(pod.at("/metadata/ownerReferences/0/uid").asText()).isEqualTo(uid);
    List<String> initContainers = new ArrayList<>();
    pod.at("/spec/initContainers").forEach(c -> initContainers.add(c.path("name").asText()));
    assertThat(initContainers).containsExactly("reader", "render");

    // Play the node: the hand-back container's ConfigMap, then the Pod succeeds.
    Path bundle = Files.createTempFile("bundle", ".b64");
    Files.writeString(
        bundle,
        KubernetesJobFlowTest.bundle(
            Map.of(
                "output/db.yaml", "kind: Database\nname: db1\n",
                "metadata/status.yaml", "message: rendered in a real Job\n")));
    kubectl("create", "configmap", name, "--from-file=" + HandbackBundle.KEY + "=" + bundle);
    kubectl(
        "patch",
        "pod",
        pod.at("/metadata/name").asText(),
        "--subresource=status",
        "--type=merge",
        "-p",
        "{\"status\":{\"phase\":\"Succeeded\"}}");

    PipelineSucceeded succeeded =
        EventCodec.data(
            probe.await(EventType.PIPELINE_SUCCEEDED.type(), key.toString(), WAIT),
            PipelineSucceeded.class);
    assertThat(succeeded.status().get("message").asText()).isEqualTo("rendered in a real Job");
    Work work =
        EventCodec.data(
            probe.await(EventType.WORK_UPSERTED.type(), key.toString(), WAIT), Work.class);
    assertThat(work.workloadGroups().get(0).workloads().get(0).filepath()).isEqualTo("db.yaml");
    assertThat(get("job", name).at("/status/conditions").toString()).contains("Complete");
    JsonNode handback = get("configmap", name);
    assertThat(handback.at("/metadata/ownerReferences/0/uid").asText()).isEqualTo(uid);

    // The garbage collector removes the Pod and both ConfigMaps with the Job.
    kubectl("delete", "job", name, "--cascade=background");
    await()
        .atMost(WAIT)
        .until(
            () ->
                find("configmap", name) == null
                    && find("configmap", name + "-input") == null
                    && list("pods", "-l", "job-name=" + name).path("items").isEmpty());
  }

  @Test
  void aRequestInANamespaceTheClusterDoesNotHaveFailsWithThatReason() {
    ResourceKey key = new ResourceKey("no-such-namespace", PROMISE, "db2");
    publishRequest(key);

    PipelineFailed failed =
        EventCodec.data(
            probe.await(EventType.PIPELINE_FAILED.type(), key.toString(), WAIT),
            PipelineFailed.class);
    assertThat(failed.reason()).contains("no-such-namespace");
  }

  private void publishRequest(ResourceKey key) {
    JsonNode resource =
        KratixDocuments.readAll(
                """
                apiVersion: real.pledge.io/v1
                kind: Database
                metadata: {name: %s, namespace: %s, generation: 1}
                spec: {size: large}
                """
                    .formatted(key.name(), key.namespace()))
            .get(0);
    new PlaysIntake(probe).request(key, 1, "hash", resource);
  }

  private JsonNode awaitJob(ResourceKey key) {
    return await()
        .atMost(WAIT)
        .until(
            () -> list("jobs", "-l", JobNames.RESOURCE_NAME + "=" + key.name()),
            jobs -> jobs.path("items").size() == 1)
        .path("items")
        .get(0);
  }

  private JsonNode list(String kind, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("get", kind));
    all.addAll(List.of(args));
    all.addAll(List.of("-o", "json"));
    return JSON.readTree(kubectl(all.toArray(String[]::new)));
  }

  private JsonNode get(String kind, String name) throws Exception {
    return JSON.readTree(kubectl("get", kind, name, "-o", "json"));
  }

  /** The object, or null when the server has none of that name. */
  private JsonNode find(String kind, String name) throws Exception {
    TestCluster.Result result =
        cluster.tryKubectl("-n", NAMESPACE, "get", kind, name, "-o", "json", "--ignore-not-found");
    return result.stdout().isBlank() ? null : JSON.readTree(result.stdout());
  }

  private String kubectl(String... args) {
    List<String> all = new ArrayList<>(List.of("-n", NAMESPACE));
    all.addAll(List.of(args));
    return cluster.kubectl(all.toArray(String[]::new));
  }
}
