package io.pledge.intake.dryrun;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Dry runs ({@code POST /api/v1/apply?dryRun=true}), under {@code pledge.intake.dry-run}. */
@ConfigMapping(prefix = "pledge.intake.dry-run")
public interface DryRunConfig {

  /** How long a dry run waits for pipeline-runner's answer before answering 504. */
  @WithDefault("30s")
  Duration timeout();

  /** Dry runs this instance waits for at once; more answer 503 until one finishes. */
  @WithDefault("16")
  int maxInFlight();

  /** Where dry-run requests go (pipeline-runner's {@code dryruns} channel reads it). */
  @WithDefault(io.pledge.contract.Topics.DRY_RUNS)
  String requestsTopic();

  /** Where pipeline-runner answers; every instance reads all of it from its end at start-up. */
  @WithDefault(io.pledge.contract.Topics.DRY_RUN_REPLIES)
  String repliesTopic();
}
