package io.pledge.runner.config;

import io.pledge.runner.events.RunnerPublisher;
import io.pledge.runner.image.CatalogLocator;
import io.pledge.runner.image.ImageCatalog;
import io.pledge.runner.image.ImageResolver;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.SandboxExecutor;
import io.pledge.runner.sandbox.StageExecutor;
import io.pledge.runner.sandbox.UnsandboxedExecutor;
import io.pledge.runner.workflow.PipelineRunner;
import io.pledge.runner.workflow.PromiseLedger;
import io.pledge.runner.workflow.PromiseRegistry;
import io.pledge.runner.workflow.ResourceJob;
import io.pledge.runner.workflow.WorkflowRunner;
import io.pledge.runner.workflow.WorkflowSequencer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;

/** Builds the plain-Java parts of the runner from {@link RunnerConfig}. */
@ApplicationScoped
public class RunnerBeans {

  private static final Logger LOG = Logger.getLogger(RunnerBeans.class);

  @Produces
  @Singleton
  StageExecutor executor(RunnerConfig config) {
    if (config.executor() == RunnerConfig.ExecutorKind.UNSANDBOXED) {
      LOG.warn(
          "stages run UNSANDBOXED, with this service's full rights: for development only"
              + " (pledge.runner.executor=unsandboxed)");
      return new UnsandboxedExecutor(config.maxLogBytes());
    }
    SandboxExecutor sandbox =
        new SandboxExecutor(Path.of(config.bwrapPath()), config.maxLogBytes());
    if (sandbox.unavailableReason() != null) {
      LOG.error(sandbox.unavailableReason());
    }
    return sandbox;
  }

  @Produces
  @Singleton
  ImageResolver images(RunnerConfig config) {
    List<String> patterns = config.imageCatalogs();
    Path base = Path.of("").toAbsolutePath();
    return new ImageResolver(
        () -> {
          List<Path> files = CatalogLocator.locate(patterns, base);
          ImageCatalog catalog = ImageCatalog.load(files);
          LOG.debugf("image catalogs %s map %d images", files, catalog.images().size());
          return catalog;
        });
  }

  @Produces
  @Singleton
  PipelineRunner pipelines(RunnerConfig config, StageExecutor executor, ImageResolver images) {
    return new PipelineRunner(
        executor,
        images,
        new OutputInspector(config.maxOutputBytes(), config.maxOutputFiles()),
        Path.of(config.workDir()).resolve("runs"),
        config.stageTimeout(),
        config.defaultBackoffLimit());
  }

  @Produces
  @Singleton
  WorkflowRunner workflows(RunnerConfig config, PipelineRunner pipelines, RunnerPublisher events) {
    return new WorkflowRunner(pipelines, events, config.publishTimeout());
  }

  @Produces
  @Singleton
  PromiseRegistry promises() {
    return new PromiseRegistry();
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
