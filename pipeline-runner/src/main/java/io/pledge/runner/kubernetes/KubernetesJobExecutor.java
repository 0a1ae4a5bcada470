package io.pledge.runner.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pledge.runner.outcome.PipelineOutcome;
import io.pledge.runner.sandbox.RunFolders;
import io.pledge.runner.workflow.JobExecutor;
import io.pledge.runner.workflow.PipelineRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs a pipeline as a Kubernetes Job and waits for it by polling (a restarted runner simply polls
 * again: the Job's name is derived from the run, see {@link JobNames}). A complete Job's output
 * comes back through the ConfigMap its {@code handback} container wrote, named after the Job; a
 * failed Job becomes a failed pipeline with the failing container and the tail of its log when the
 * Pod can still be read.
 */
public final class KubernetesJobExecutor implements JobExecutor {

  private static final Logger LOG = Logger.getLogger(KubernetesJobExecutor.class);

  /** The Role that lets pipeline ServiceAccounts write their hand-back ConfigMap. */
  static final String HANDBACK_ROLE = "pledge-pipeline-handback";

  private final Supplier<KubernetesClient> clients;
  private final PipelineJobFactory factory;
  private final String promiseNamespace;
  private final Duration pollInterval;
  private final Duration handbackGrace;
  private final long maxOutputBytes;
  private volatile KubernetesClient client;

  /**
   * @param clients gives the client on first use, so nothing connects unless Jobs run
   */
  public KubernetesJobExecutor(
      Supplier<KubernetesClient> clients,
      PipelineJobFactory factory,
      String promiseNamespace,
      Duration pollInterval,
      Duration handbackGrace,
      long maxOutputBytes) {
    this.clients = clients;
    this.factory = factory;
    this.promiseNamespace = promiseNamespace;
    this.pollInterval = pollInterval;
    this.handbackGrace = handbackGrace;
    this.maxOutputBytes = maxOutputBytes;
  }

  private KubernetesClient client() {
    KubernetesClient c = client;
    if (c == null) {
      synchronized (this) {
        if (client == null) {
          client = clients.get();
        }
        c = client;
      }
    }
    return c;
  }

  /** The namespace of a run's Job: the resource's, or the configured one for Promises. */
  public String namespace(PipelineRunner.Request request) {
    return PipelineJobFactory.inResourceNamespace(request.object())
        ? request.object().namespace()
        : promiseNamespace;
  }

  @Override
  public PipelineOutcome run(
      PipelineRunner.Request request,
      String objectYaml,
      RunFolders folders,
      BooleanSupplier cancelled) {
    JobNames names = JobNames.of(request, objectYaml);
    String namespace = namespace(request);
    try {
      prepare(request, names, namespace, objectYaml);
      return await(names, namespace, folders, cancelled);
    } catch (KubernetesClientException e) {
      return new PipelineOutcome.Failed(
          null, null, "Kubernetes refused the pipeline's Job: " + e.getMessage(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new PipelineOutcome.Cancelled();
    }
  }

  private void prepare(
      PipelineRunner.Request request, JobNames names, String namespace, String objectYaml) {
    String serviceAccount =
        request.pipeline().spec() != null && request.pipeline().spec().rbac() != null
            ? request.pipeline().spec().rbac().path("serviceAccount").asText("")
            : "";
    if (serviceAccount.isBlank()) {
      serviceAccount = JobNames.serviceAccount(request);
      createIfAbsent(
          new ServiceAccountBuilder()
              .withNewMetadata()
              .withName(serviceAccount)
              .withNamespace(namespace)
              .endMetadata()
              .build());
    }
    createIfAbsent(
        new RoleBuilder()
            .withNewMetadata()
            .withName(HANDBACK_ROLE)
            .withNamespace(namespace)
            .endMetadata()
            .withRules(
                new PolicyRuleBuilder()
                    .withApiGroups("")
                    .withResources("configmaps")
                    .withVerbs("create", "get", "update")
                    .build())
            .build());
    createIfAbsent(
        new RoleBindingBuilder()
            .withNewMetadata()
            .withName(serviceAccount + "-handback")
            .withNamespace(namespace)
            .endMetadata()
            .withNewRoleRef()
            .withApiGroup("rbac.authorization.k8s.io")
            .withKind("Role")
            .withName(HANDBACK_ROLE)
            .endRoleRef()
            .addNewSubject()
            .withKind("ServiceAccount")
            .withName(serviceAccount)
            .withNamespace(namespace)
            .endSubject()
            .build());
    if (createIfAbsent(factory.job(request, names, namespace))) {
      LOG.infof("started Job %s/%s", namespace, names.job());
    } else {
      LOG.infof("found Job %s/%s from an earlier run; waiting for it", namespace, names.job());
    }
    // After the Job, so that the Job owns it and the garbage collector removes it with the Job;
    // the Pod's reader waits for the volume meanwhile (the kubelet retries the mount).
    ConfigMap input = factory.input(names, namespace, objectYaml);
    input.getMetadata().setOwnerReferences(List.of(ownedBy(job(names, namespace))));
    createIfAbsent(input);
  }

  private Job job(JobNames names, String namespace) {
    Job job = client().batch().v1().jobs().inNamespace(namespace).withName(names.job()).get();
    if (job == null) {
      throw new KubernetesClientException("the Job " + names.job() + " is gone", 404, null);
    }
    return job;
  }

  /** A reference to {@code job} as the owner: its dependents go when it goes. */
  private static OwnerReference ownedBy(Job job) {
    return new OwnerReferenceBuilder()
        .withApiVersion("batch/v1")
        .withKind("Job")
        .withName(job.getMetadata().getName())
        .withUid(job.getMetadata().getUid())
        .build();
  }

  /**
   * The hand-back ConfigMap is made by the Job's last container, which does not know the Job's uid:
   * once its output is taken, the Job becomes its owner, so it goes with the Job (its TTL or a
   * delete) instead of staying behind.
   */
  private void adopt(ConfigMap handback, Job job) {
    if (handback.getMetadata().getOwnerReferences() != null
        && !handback.getMetadata().getOwnerReferences().isEmpty()) {
      return;
    }
    try {
      client()
          .configMaps()
          .inNamespace(handback.getMetadata().getNamespace())
          .withName(handback.getMetadata().getName())
          .edit(
              cm -> {
                cm.getMetadata().setOwnerReferences(List.of(ownedBy(job)));
                return cm;
              });
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "could not make Job %s the owner of its hand-back ConfigMap: %s",
          job.getMetadata().getName(), e.getMessage());
    }
  }

  /** Creates {@code object}; returns false when it existed already. */
  private boolean createIfAbsent(HasMetadata object) {
    try {
      client().resource(object).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  private PipelineOutcome await(
      JobNames names, String namespace, RunFolders folders, BooleanSupplier cancelled)
      throws InterruptedException {
    long completedAt = 0;
    while (true) {
      if (cancelled.getAsBoolean()) {
        stop(names, namespace);
        return new PipelineOutcome.Cancelled();
      }
      Job job = client().batch().v1().jobs().inNamespace(namespace).withName(names.job()).get();
      if (job == null) {
        return new PipelineOutcome.Failed(
            null, null, "the Job " + names.job() + " disappeared before it finished", null);
      }
      if (condition(job, "Failed")) {
        return failure(job, names, namespace);
      }
      if (condition(job, "Complete")) {
        ConfigMap handback =
            client().configMaps().inNamespace(namespace).withName(names.job()).get();
        if (handback != null
            && handback.getData() != null
            && handback.getData().containsKey(HandbackBundle.KEY)) {
          PipelineOutcome unpacked = unpack(handback.getData().get(HandbackBundle.KEY), folders);
          adopt(handback, job);
          return unpacked;
        }
        long now = System.nanoTime();
        if (completedAt == 0) {
          completedAt = now;
        } else if (Duration.ofNanos(now - completedAt).compareTo(handbackGrace) > 0) {
          return new PipelineOutcome.Failed(
              "handback",
              null,
              "the Job " + names.job() + " completed without handing its output back",
              null);
        }
      }
      Thread.sleep(pollInterval.toMillis());
    }
  }

  private PipelineOutcome unpack(String bundle, RunFolders folders) {
    try {
      HandbackBundle.unpack(bundle, folders, 2 * maxOutputBytes);
      return null;
    } catch (HandbackBundle.InvalidBundleException e) {
      return new PipelineOutcome.Failed("handback", null, e.getMessage(), null);
    } catch (IOException e) {
      return new PipelineOutcome.Failed(
          "handback", null, "cannot unpack the Job's output: " + e.getMessage(), null);
    }
  }

  private PipelineOutcome failure(Job job, JobNames names, String namespace) {
    String reason =
        job.getStatus().getConditions().stream()
            .filter(c -> "Failed".equals(c.getType()))
            .map(
                c ->
                    (c.getReason() == null ? "" : c.getReason() + ": ")
                        + nullToEmpty(c.getMessage()))
            .findFirst()
            .orElse("");
    String container = null;
    Integer exitCode = null;
    String logTail = null;
    try {
      List<Pod> pods =
          client()
              .pods()
              .inNamespace(namespace)
              .withLabel(JobNames.RUN_ID, names.runHash())
              .list()
              .getItems();
      for (Pod pod : pods) {
        if (pod.getStatus() == null || pod.getStatus().getInitContainerStatuses() == null) {
          continue;
        }
        for (ContainerStatus s : pod.getStatus().getInitContainerStatuses()) {
          var terminated = s.getState() == null ? null : s.getState().getTerminated();
          if (terminated != null
              && terminated.getExitCode() != null
              && terminated.getExitCode() != 0) {
            container = s.getName();
            exitCode = terminated.getExitCode();
            logTail = log(namespace, pod.getMetadata().getName(), container);
          }
        }
      }
    } catch (KubernetesClientException e) {
      LOG.debugf("cannot read the Pods of Job %s: %s", names.job(), e.getMessage());
    }
    String message = "the Job " + names.job() + " failed";
    if (container != null) {
      message = "container " + container + " exited with code " + exitCode + " (" + message + ")";
    }
    if (!reason.isBlank()) {
      message += ": " + reason.strip();
    }
    return new PipelineOutcome.Failed(container, exitCode, message, logTail);
  }

  private String log(String namespace, String pod, String container) {
    try {
      return client()
          .pods()
          .inNamespace(namespace)
          .withName(pod)
          .inContainer(container)
          .tailingLines(20)
          .getLog();
    } catch (KubernetesClientException e) {
      return null;
    }
  }

  private void stop(JobNames names, String namespace) {
    try {
      client().batch().v1().jobs().inNamespace(namespace).withName(names.job()).delete();
      client().configMaps().inNamespace(namespace).withName(names.input()).delete();
    } catch (KubernetesClientException e) {
      LOG.warnf("could not delete the stopped Job %s: %s", names.job(), e.getMessage());
    }
  }

  private static boolean condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return false;
    }
    for (JobCondition c : job.getStatus().getConditions()) {
      if (type.equals(c.getType()) && "True".equals(c.getStatus())) {
        return true;
      }
    }
    return false;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
