package io.pledge.intake.view;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether the view may answer and plan applies: it has read the Promise, Destination and policy
 * tables, the resource owner has folded what its inputs held at start-up, the view has read those
 * folded records, and the owner is still alive. Without the second condition the first start after
 * an upgrade would serve a half-folded view and hand out generations from it.
 */
@ApplicationScoped
public class ViewReadiness {

  private final ViewLifecycle view;
  private final FoldProgress fold;
  private volatile boolean caughtUp;

  ViewReadiness(ViewLifecycle view, FoldProgress fold) {
    this.view = view;
    this.fold = fold;
  }

  /**
   * Caught up once (it stays so: the view follows the tables from then on), and the owner alive.
   */
  public boolean ready() {
    if (!caughtUp) {
      caughtUp = view.caughtUp() && fold.foldedEnds().map(view::reached).orElse(false);
    }
    return caughtUp && fold.alive();
  }

  /** Why the service cannot take writes now, for a 503's detail (when {@link #ready} is false). */
  public String whyNotReady() {
    if (!caughtUp) {
      return "request-intake is still reading its tables from Kafka; retry in a moment";
    }
    return "request-intake's resource owner is not running (Kafka Streams is restarting or cannot"
        + " reach the broker); retry in a moment";
  }
}
