package io.pledge.runner.kubernetes;

import io.pledge.testkit.kubernetes.TestCluster;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real API server for the runner: the base's namespace and pipeline-runner manifest applied (its
 * ServiceAccount and RBAC), and the runner's Kubernetes client given that ServiceAccount's token,
 * so it can do exactly what the manifest grants.
 */
public class RealClusterResource implements QuarkusTestResourceLifecycleManager {

  /** The namespace the tests' requests live in, as Kubernetes mode would have it. */
  static final String NAMESPACE = "team-k";

  private static final String KUBECONFIG = "kubeconfig";

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
    // The Quarkus client's connection settings are fixed at build time; at run time it reads a
    // kubeconfig as in production (there: the pod's own token), here the one Fabric8 finds
    // through the kubeconfig system property.
    System.setProperty(
        KUBECONFIG, cluster.serviceAccountKubeconfig("pledge", "pipeline-runner").toString());
    return Map.of();
  }

  @Override
  public void stop() {
    System.clearProperty(KUBECONFIG);
    if (cluster != null) {
      cluster.close();
    }
  }
}
