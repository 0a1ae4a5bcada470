package io.pledge.runner.sandbox;

import java.util.function.BooleanSupplier;

/** Runs one pipeline container to completion. */
public interface StageExecutor {

  /**
   * Runs {@code spec}, killing its whole process tree when its time limit passes or when {@code
   * cancelled} becomes true. Never throws for a failing stage: the result says how it ended.
   */
  StageResult run(StageSpec spec, BooleanSupplier cancelled);

  /** Why this executor cannot run anything, or null when it can. */
  default String unavailableReason() {
    return null;
  }
}
