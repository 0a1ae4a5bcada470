package io.pledge.notifier.lifecycle;

import java.util.Locale;

/** The moments of a resource's life that people and systems are told about. */
public enum Lifecycle {
  /** A request to apply a generation was accepted. */
  REQUESTED,
  /** Every Work of a generation is committed: the Reconciled condition became True. */
  RECONCILED,
  /** The Reconciled condition became False (a pipeline or a Work failed). */
  FAILED,
  /** A delete finished: every Work was removed. */
  DELETED;

  /** The name used in events, ledger keys and configuration, e.g. {@code reconciled}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
