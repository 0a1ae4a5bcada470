package io.pledge.runner.kubernetes;

import io.pledge.testkit.kubernetes.TestCluster;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A real API server for the runner: the base's namespace and pipeline-runner manifest applied (its
 * ServiceAccount and RBAC), and the runner's Kubernetes client given that ServiceAccount's token,
 * so it can do exactly what the manifest grants.
 */
public class RealClusterResource implements QuarkusTestResourceLifecycleManager {

  /** The namespace the tests' requests live in, as Kubernetes mode would have it. */
  static final String NAMESPACE = "team-k";

  private final Map<String, Optional<String>> saved = new HashMap<>();

  private static volatile TestCluster cluster;

  static TestCluster cluster() {
    return cluster;
  }

  @Override
  public Map<String, String> start() {
    Path root = Path.of("").toAbsolutePath().getParent(); // surefire runs in the module's folder
    cluster = TestCluster.start(root);
    Path manifests = root.resolve("deploy/kubernetes/base");
    cluster.kubectl("apply", "-f", manifests.resolve("namespace.yaml").toString());
    cluster.kubectl(
        "apply",
        "-n",
        "pledge",
        "-f",
        manifests.resolve("services/pipeline-runner.yaml").toString());
    cluster.kubectl("create", "namespace", NAMESPACE);
    // The Quarkus client's connection settings are fixed at build time; at run time Fabric8
    // configures itself from system properties before any kubeconfig, and the Fabric8 mock's test
    // resource (KubernetesJobFlowTest, same JVM) leaves its own there: ours replace them while
    // this class runs, and the earlier values come back after.
    Map<String, String> settings =
        Map.of(
            "kubernetes.master",
            cluster.server(),
            "kubernetes.auth.token",
            cluster.serviceAccountToken("pledge", "pipeline-runner"),
            "kubernetes.certs.ca.file",
            cluster.dir().resolve("ca.crt").toString(),
            "kubernetes.namespace",
            "pledge",
            "kubernetes.trust.certificates",
            "false",
            "kubernetes.auth.tryKubeConfig",
            "false");
    settings.forEach(
        (name, value) -> {
          saved.put(name, Optional.ofNullable(System.getProperty(name)));
          System.setProperty(name, value);
        });
    return Map.of();
  }

  @Override
  public void stop() {
    saved.forEach(
        (name, value) ->
            value.ifPresentOrElse(
                v -> System.setProperty(name, v), () -> System.clearProperty(name)));
    saved.clear();
    if (cluster != null) {
      cluster.close();
    }
  }
}
