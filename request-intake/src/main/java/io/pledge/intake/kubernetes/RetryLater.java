package io.pledge.intake.kubernetes;

/** The service cannot take the change yet; the task is queued again after a delay. */
final class RetryLater extends RuntimeException {
  RetryLater() {
    super(null, null, false, false);
  }
}
