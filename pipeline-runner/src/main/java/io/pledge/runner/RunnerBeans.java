package io.pledge.runner;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pledge.oci.ContainersConfig;
import io.pledge.oci.LayerScanner;
import io.pledge.oci.Skopeo;
import io.pledge.oci.Umoci;
import io.pledge.runner.config.Quantities;
import io.pledge.runner.config.RunnerConfig;
import io.pledge.runner.events.RunnerPublisher;
import io.pledge.runner.image.ImageStore;
import io.pledge.runner.kubernetes.KubernetesJobExecutor;
import io.pledge.runner.kubernetes.PipelineJobFactory;
import io.pledge.runner.sandbox.ContainerLimits;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.SandboxExecutor;
import io.pledge.runner.sandbox.StageExecutor;
import io.pledge.runner.sandbox.StageLimits;
import io.pledge.runner.sandbox.StageResult;
import io.pledge.runner.telemetry.RunnerTelemetry;
import io.pledge.runner.workflow.JobExecutor;
import io.pledge.runner.workflow.PipelineRunner;
import io.pledge.runner.workflow.PromiseLedger;
import io.pledge.runner.workflow.PromiseRegistry;
import io.pledge.runner.workflow.ResourceIndex;
import io.pledge.runner.workflow.ResourceJob;
import io.pledge.runner.workflow.RetryPolicy;
import io.pledge.runner.workflow.WorkflowRunner;
import io.pledge.runner.workflow.WorkflowSequencer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** Builds the plain-Java parts of the runner from {@link RunnerConfig}. */
@ApplicationScoped
public class RunnerBeans {

  private static final Logger LOG = Logger.getLogger(RunnerBeans.class);

  @Produces
  @Singleton
  StageExecutor executor(RunnerConfig config) {
    if (config.executor() == RunnerConfig.ExecutorKind.KUBERNETES) {
      // Pipelines run as Jobs (see pipelines()); no stage runs on this host.
      return (spec, cancelled) ->
          StageResult.notStarted("stages run as Kubernetes Jobs, not on the runner's host");
    }
    SandboxExecutor sandbox =
        new SandboxExecutor(
            Path.of(config.bwrapPath()),
            config.maxLogBytes(),
            Path.of(config.workDir()).resolve("sandbox-etc"));
    if (sandbox.unavailableReason() != null) {
      LOG.error(sandbox.unavailableReason());
    }
    return sandbox;
  }

  /**
   * The image cache, or null with the Kubernetes executor (the kubelet pulls). Registries, mirrors
   * and credentials come from the containers ecosystem's own files (see {@link ContainersConfig}).
   */
  static ImageStore imageStore(RunnerConfig config) {
    if (config.executor() == RunnerConfig.ExecutorKind.KUBERNETES) {
      return null;
    }
    ContainersConfig containers = ContainersConfig.fromEnvironment(System.getenv());
    if (config.registriesConf().isPresent()) {
      containers = containers.withRegistriesConf(Path.of(config.registriesConf().get()));
    }
    if (config.authFile().isPresent()) {
      containers = containers.withAuthFile(Path.of(config.authFile().get()));
    }
    LOG.infof(
        "images are pulled with %s (registries.conf %s, credentials %s)",
        config.skopeoPath(),
        containers.registriesConf() == null
            ? "/etc/containers/registries.conf"
            : containers.registriesConf(),
        containers.authFile() == null ? "none" : containers.authFile());
    return new ImageStore(
        new Skopeo(Path.of(config.skopeoPath()), containers),
        new Umoci(Path.of(config.umociPath()), config.pullTimeout()),
        // An image may hold many small files, never more than ~1M or 8x its compressed bytes.
        new LayerScanner(1_000_000, Math.multiplyExact(config.imageMaxBytes(), 8)),
        new ImageStore.Options(
            Path.of(config.workDir()).resolve("images"),
            config.imageCacheMaxBytes(),
            config.imageMaxBytes(),
            config.imageManifestMaxBytes(),
            config.pullTimeout(),
            config.pullRetryBackoff()));
  }

  @Produces
  @Singleton
  PipelineRunner pipelines(
      RunnerConfig config,
      StageExecutor executor,
      PromiseRegistry promises,
      Instance<KubernetesClient> kubernetes,
      RunnerTelemetry telemetry) {
    JobExecutor jobs = null;
    if (config.executor() == RunnerConfig.ExecutorKind.KUBERNETES) {
      RunnerConfig.Kubernetes k8s = config.kubernetes();
      LOG.infof("pipelines run as Kubernetes Jobs (helper image %s)", k8s.helperImage());
      jobs =
          new KubernetesJobExecutor(
              kubernetes::get,
              new PipelineJobFactory(
                  k8s.helperImage(),
                  config.defaultBackoffLimit(),
                  k8s.jobTimeout(),
                  k8s.jobTtl(),
                  rawPipelines(promises)),
              k8s.namespace(),
              k8s.pollInterval(),
              k8s.handbackGrace(),
              config.maxOutputBytes());
    }
    return new PipelineRunner(
        telemetry.traced(executor),
        imageStore(config),
        new OutputInspector(config.maxOutputBytes(), config.maxOutputFiles()),
        Path.of(config.workDir()).resolve("runs"),
        config.stageTimeout(),
        config.defaultBackoffLimit(),
        jobs,
        containerLimits(config));
  }

  /** The stages' limits; a key that does not read as a quantity stops the start. */
  static ContainerLimits containerLimits(RunnerConfig config) {
    RunnerConfig.Limits limits = config.limits();
    StageLimits defaults =
        new StageLimits(
            size(limits.memory(), "pledge.runner.limits.memory"),
            new StageLimits.Limit(limits.pids(), "pledge.runner.limits.pids"),
            size(limits.tmpSize(), "pledge.runner.limits.tmp-size"),
            new StageLimits.Limit(config.maxOutputBytes(), "pledge.runner.max-output-bytes"),
            new StageLimits.Limit(config.maxOutputFiles(), "pledge.runner.max-output-files"));
    return new ContainerLimits(
        defaults,
        size(limits.max().memory(), "pledge.runner.limits.max.memory"),
        size(limits.max().tmpSize(), "pledge.runner.limits.max.tmp-size"),
        Quantities::bytes);
  }

  private static StageLimits.Limit size(String quantity, String key) {
    try {
      return new StageLimits.Limit(Quantities.bytes(quantity), key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          key + " is \"" + quantity + "\": " + e.getMessage() + " (a size such as 512Mi)", e);
    }
  }

  /** Pipeline documents as the registry's Promises hold them (the model drops pod fields). */
  static PipelineJobFactory.RawPipelines rawPipelines(PromiseRegistry promises) {
    return (promise, type, action, pipeline) ->
        promises
            .get(promise)
            .map(
                entry -> {
                  for (JsonNode p :
                      entry.document().path("spec").path("workflows").path(type).path(action)) {
                    if (pipeline.equals(p.path("metadata").path("name").asText())) {
                      return p;
                    }
                  }
                  return null;
                })
            .orElse(null);
  }

  @Produces
  @Singleton
  WorkflowRunner workflows(
      RunnerConfig config,
      PipelineRunner pipelines,
      RunnerPublisher events,
      RunnerTelemetry telemetry) {
    return new WorkflowRunner(pipelines, events, config.publishTimeout(), telemetry)
        .withRetryPolicy(retryPolicy(config));
  }

  /** The bounds on pipelines' {@code retryAfter}. */
  public static RetryPolicy retryPolicy(RunnerConfig config) {
    return new RetryPolicy(config.minRetryAfter(), config.defaultRetryAttempts());
  }

  @Produces
  @Singleton
  PromiseRegistry promises() {
    return new PromiseRegistry();
  }

  @Produces
  @Singleton
  ResourceIndex resourceIndex() {
    return new ResourceIndex();
  }

  @Produces
  @Singleton
  PromiseLedger ledger(RunnerConfig config) {
    return new PromiseLedger(Path.of(config.workDir()).resolve("promises"));
  }

  @Produces
  @Singleton
  WorkflowSequencer sequencer(RunnerConfig config) {
    return new WorkflowSequencer(
        job -> job instanceof ResourceJob r ? r.waitingFor() : null,
        config.maxConcurrentRuns(),
        config.maxQueuedRequests(),
        config.publishRetryBackoff());
  }

  void close(@Disposes WorkflowSequencer sequencer) {
    sequencer.close();
  }
}
