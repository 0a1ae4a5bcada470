package io.pledge.notifier.delivery;

import io.pledge.notifier.lifecycle.Lifecycle;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import java.util.Set;

/** A channel that tells someone about lifecycle events: Slack, e-mail, billing. */
public interface Notifier {

  /**
   * The channel's name in events and ledger keys: {@code slack}, {@code email}, {@code billing}.
   */
  String channel();

  /** The lifecycle events this channel is told about. */
  Set<Lifecycle> lifecycles();

  /**
   * Tries once to deliver {@code event}. Blocking; never throws for a delivery problem, which is
   * reported in the returned attempt.
   *
   * @throws InterruptedException when the service is stopping
   */
  Attempt attempt(LifecycleEvent event) throws InterruptedException;
}
