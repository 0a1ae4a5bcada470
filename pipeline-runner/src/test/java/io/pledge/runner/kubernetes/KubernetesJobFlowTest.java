package io.pledge.runner.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.pipeline.PipelineFailed;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.work.Work;
import io.pledge.runner.PlaysIntake;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes executor against the Quarkus Kubernetes test server (CRUD mode). It has no Job
 * controller, so the test plays the cluster: it reads the Job the runner created, writes the
 * hand-back ConfigMap the Job's last container would write, and sets the Job's status.
 */
@QuarkusTest
@TestProfile(KubernetesJobFlowTest.KubernetesProfile.class)
@WithKubernetesTestServer
@QuarkusTestResource(KafkaBrokerResource.class)
class KubernetesJobFlowTest {

  public static class KubernetesProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "pledge.runner.executor", "kubernetes",
          "pledge.runner.kubernetes.poll-interval", "100ms",
          "pledge.runner.kubernetes.handback-grace", "5s",
          "pledge.runner.work-dir", "target/k8s-runner-" + System.nanoTime());
    }
  }

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PROMISE = "k8sdb";

  @Inject KubernetesClient client;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  private EventProbe probe;

  @BeforeEach
  void setUp() {
    probe = new EventProbe(bootstrap, Topics.STATUS, Topics.WORKS);
    JsonNode promise =
        KratixDocuments.readAll(
                """
                apiVersion: platform.kratix.io/v1alpha1
                kind: Promise
                metadata: {name: k8sdb, generation: 1}
                spec:
                  api:
                    apiVersion: apiextensions.k8s.io/v1
                    kind: CustomResourceDefinition
                    metadata: {name: databases.k8s.pledge.io}
                    spec:
                      group: k8s.pledge.io
                      scope: Namespaced
                      names: {kind: Database, plural: databases}
                      versions: [{name: v1, served: true, storage: true}]
                  workflows:
                    resource:
                      configure:
                        - apiVersion: platform.kratix.io/v1alpha1
                          kind: Pipeline
                          metadata: {name: instance-configure, labels: {team: data}}
                          spec:
                            containers:
                              - name: render
                                image: ghcr.io/example/render:v1
                                env: [{name: SIZE, value: large}]
                                securityContext: {runAsUser: 1000}
                                volumeMounts: [{name: templates, mountPath: /templates}]
                              - name: scan
                                image: ghcr.io/example/scan:v1
                                args: [--strict]
                            volumes: [{name: templates, configMap: {name: db-templates}}]
                            imagePullSecrets: [{name: regcred}]
                            jobOptions: {backoffLimit: 2}
                """)
            .get(0);
    new PlaysIntake(probe).promise(PROMISE, 1, promise);
  }

  @AfterEach
  void tearDown() {
    probe.close();
  }

  private void publishRequest(ResourceKey key) {
    JsonNode resource =
        KratixDocuments.readAll(
                """
                apiVersion: k8s.pledge.io/v1
                kind: Database
                metadata: {name: %s, namespace: %s, generation: 1}
                spec: {size: large}
                """
                    .formatted(key.name(), key.namespace()))
            .get(0);
    new PlaysIntake(probe).request(key, 1, "hash", resource);
  }

  private Job awaitJob(ResourceKey key) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                client
                    .batch()
                    .v1()
                    .jobs()
                    .inNamespace(key.namespace())
                    .withLabel(JobNames.RESOURCE_NAME, key.name())
                    .list()
                    .getItems()
                    .stream()
                    .findFirst()
                    .orElse(null),
            job -> job != null);
  }

  private void setCondition(Job job, String type, String reason, String message) {
    job.setStatus(
        new JobStatusBuilder()
            .withConditions(
                new JobConditionBuilder()
                    .withType(type)
                    .withStatus("True")
                    .withReason(reason)
                    .withMessage(message)
                    .build())
            .build());
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .resource(job)
        .updateStatus();
  }

  @Test
  void aCompletedJobHandsItsOutputBackAsAWork() throws Exception {
    ResourceKey key = new ResourceKey("team-k", PROMISE, "db1");
    publishRequest(key);

    Job job = awaitJob(key);
    String name = job.getMetadata().getName();
    assertThat(name).startsWith("kratix-k8sdb-db1-instance-configure-").hasSize(41);
    assertThat(job.getMetadata().getLabels())
        .containsEntry("kratix.io/promise-name", PROMISE)
        .containsEntry("kratix.io/resource-name", "db1")
        .containsEntry("kratix.io/pipeline-name", "instance-configure")
        .containsEntry("kratix.io/workflow-type", "resource")
        .containsEntry("kratix.io/workflow-action", "configure")
        .containsEntry("team", "data")
        .containsKey(JobNames.RUN_ID);
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("OnFailure");
    assertThat(pod.getServiceAccountName())
        .isEqualTo("k8sdb-resource-configure-instance-configure");
    assertThat(pod.getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("regcred");
    assertThat(pod.getInitContainers())
        .extracting(Container::getName)
        .containsExactly("reader", "render", "scan");
    assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("handback");
    assertThat(pod.getVolumes())
        .extracting(Volume::getName)
        .containsExactly(
            "shared-input", "shared-output", "shared-metadata", "pledge-run-input", "templates");
    Container render = pod.getInitContainers().get(1);
    assertThat(render.getImage()).isEqualTo("ghcr.io/example/render:v1");
    assertThat(render.getEnv())
        .extracting(EnvVar::getName)
        .containsExactly(
            "KRATIX_WORKFLOW_ACTION",
            "KRATIX_WORKFLOW_TYPE",
            "KRATIX_PROMISE_NAME",
            "KRATIX_PIPELINE_NAME",
            "KRATIX_OBJECT_KIND",
            "KRATIX_OBJECT_GROUP",
            "KRATIX_OBJECT_VERSION",
            "KRATIX_OBJECT_NAME",
            "KRATIX_OBJECT_NAMESPACE",
            "KRATIX_CRD_PLURAL",
            "KRATIX_CLUSTER_SCOPED",
            "SIZE");
    assertThat(render.getEnv().get(7).getValue()).isEqualTo("db1");
    assertThat(render.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
    assertThat(render.getVolumeMounts())
        .extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/kratix/input", true),
            org.assertj.core.groups.Tuple.tuple("/kratix/output", null),
            org.assertj.core.groups.Tuple.tuple("/kratix/metadata", null),
            org.assertj.core.groups.Tuple.tuple("/templates", null));
    Container scan = pod.getInitContainers().get(2);
    assertThat(scan.getArgs()).containsExactly("--strict");
    assertThat(scan.getResources().getRequests().get("cpu").toString()).isEqualTo("100m");
    assertThat(scan.getResources().getLimits().get("memory").toString()).isEqualTo("256Mi");
    ConfigMap input =
        await()
            .atMost(WAIT)
            .until(
                () -> client.configMaps().inNamespace("team-k").withName(name + "-input").get(),
                cm -> cm != null);
    assertThat(input.getMetadata().getOwnerReferences())
        .extracting(r -> r.getKind() + "/" + r.getName())
        .containsExactly("Job/" + name);
    assertThat(input.getData().get("object.yaml")).contains("name: db1", "size: large");
    assertThat(
            client
                .serviceAccounts()
                .inNamespace("team-k")
                .withName("k8sdb-resource-configure-instance-configure")
                .get())
        .isNotNull();

    // Play the cluster: the handback container's ConfigMap, then the Job completes.
    client
        .configMaps()
        .inNamespace("team-k")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToData(
                    HandbackBundle.KEY,
                    bundle(
                        Map.of(
                            "output/db.yaml", "kind: Database\nname: db1\n",
                            "metadata/status.yaml", "message: rendered in a Job\n")))
                .build())
        .create();
    setCondition(job, "Complete", null, null);

    CloudEvent upserted = probe.await(EventType.WORK_UPSERTED.type(), key.toString(), WAIT);
    Work work = EventCodec.data(upserted, Work.class);
    assertThat(work.pipeline()).isEqualTo("instance-configure");
    assertThat(work.workloadGroups()).hasSize(1);
    assertThat(work.workloadGroups().get(0).workloads().get(0).filepath()).isEqualTo("db.yaml");
    assertThat(
            new String(
                work.workloadGroups().get(0).workloads().get(0).bytes(), StandardCharsets.UTF_8))
        .isEqualTo("kind: Database\nname: db1\n");
    PipelineSucceeded succeeded =
        EventCodec.data(
            probe.await(EventType.PIPELINE_SUCCEEDED.type(), key.toString(), WAIT),
            PipelineSucceeded.class);
    assertThat(succeeded.status().get("message").asText()).isEqualTo("rendered in a Job");
    probe.await(EventType.WORKFLOW_COMPLETED.type(), key.toString(), WAIT);
  }

  @Test
  void aFailedJobFailsThePipeline() {
    ResourceKey key = new ResourceKey("team-k", PROMISE, "db2");
    publishRequest(key);

    Job job = awaitJob(key);
    setCondition(
        job, "Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");

    PipelineFailed failed =
        EventCodec.data(
            probe.await(EventType.PIPELINE_FAILED.type(), key.toString(), WAIT),
            PipelineFailed.class);
    assertThat(failed.pipeline()).isEqualTo("instance-configure");
    assertThat(failed.reason())
        .contains(job.getMetadata().getName(), "failed", "BackoffLimitExceeded");
    assertThat(probe.events())
        .noneMatch(
            e ->
                e.type().equals(EventType.WORK_UPSERTED.type())
                    && e.subject().equals(key.toString()));
  }

  /** A tar.gz made by the real tar, base64-encoded, as the handback container makes it. */
  static String bundle(Map<String, String> files) throws Exception {
    Path dir = Files.createTempDirectory("handback");
    Files.createDirectories(dir.resolve("output"));
    Files.createDirectories(dir.resolve("metadata"));
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    Path archive = dir.resolve("handback.tar.gz");
    Process tar =
        new ProcessBuilder(List.of("tar", "-czf", archive.toString(), "output", "metadata"))
            .directory(dir.toFile())
            .inheritIO()
            .start();
    assertThat(tar.waitFor()).isZero();
    return Base64.getEncoder().encodeToString(Files.readAllBytes(archive));
  }
}
