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
  DELETED,
  /** The first generation of a resource was reconciled (billing starts). */
  CREATED,
  /** A later generation, i.e. a changed spec, was reconciled (e.g. a size change). */
  UPDATED,
  /** A pipeline asked for a notification in {@code /kratix/metadata/notifications.yaml}. */
  PIPELINE;

  /** The name used in events, ledger keys and configuration, e.g. {@code reconciled}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The lifecycle named {@code id} (any case), e.g. {@code reconciled}. */
  public static Lifecycle of(String id) {
    return valueOf(id.trim().toUpperCase(Locale.ROOT));
  }
}
