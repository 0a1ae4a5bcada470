package io.pledge.bench.measure;

/**
 * When one request passed each point, in epoch microseconds (0: not seen).
 *
 * @param accepted intake's {@code pledge.request.accepted} for its generation (event time)
 * @param started the first {@code pledge.pipeline.started} at its generation or later
 * @param succeeded the first {@code pledge.pipeline.succeeded} at its generation or later
 * @param pipelineDone the first configure {@code pledge.workflow.completed} at its generation or
 *     later (event time)
 * @param scheduled the first {@code pledge.work.scheduled} at its generation or later
 * @param committed the first {@code pledge.work.committed} at its generation or later (event time)
 * @param reconciled when the harness's fold first showed Reconciled at its generation or later
 *     (arrival time: what a status reader sees)
 * @param sha the commit of {@code committed}
 */
public record Milestones(
    long accepted,
    long started,
    long succeeded,
    long pipelineDone,
    long scheduled,
    long committed,
    long reconciled,
    String sha) {

  public static final Milestones NONE = new Milestones(0, 0, 0, 0, 0, 0, 0, null);

  /** The legs the targets speak of, in order: their sum is {@link #LEG_E2E}. */
  public static final String[] LEGS = {"accept", "pipeline", "commit", "visible"};

  /**
   * The same path in finer steps: the runner's queue, the stage, the runner publishing the Work,
   * the writer picking it up and scheduling it, the commit and push.
   */
  public static final String[] DETAIL = {
    "accept", "queue", "stage", "publish", "schedule", "commit", "visible"
  };

  public static final String LEG_E2E = "end-to-end";

  /** The main legs; see {@link #chain}. */
  public long[] legs(long sent) {
    long[] t = chain(sent);
    if (t == null) {
      return null;
    }
    // sent, accepted, started, succeeded, done, scheduled, committed, reconciled
    return new long[] {t[1] - t[0], t[4] - t[1], t[6] - t[4], t[7] - t[6]};
  }

  /** The finer steps of {@link #DETAIL}; see {@link #chain}. */
  public long[] detail(long sent) {
    long[] t = chain(sent);
    if (t == null) {
      return null;
    }
    long[] d = new long[DETAIL.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = t[i + 1] - t[i];
    }
    return d;
  }

  /**
   * The milestones of a request sent at {@code sent} as a non-decreasing chain ending at
   * Reconciled; null when it never became Reconciled. A milestone not seen, or seen out of order
   * (events come from different services and partitions: the commit event may carry an earlier time
   * than the workflow's completion), counts as happening with the one before it, so no leg is
   * negative and the legs add up to end-to-end.
   */
  long[] chain(long sent) {
    if (reconciled == 0 || sent == 0) {
      return null;
    }
    long[] raw = {
      sent, accepted, started, succeeded, pipelineDone, scheduled, committed, reconciled
    };
    long[] t = new long[raw.length];
    t[0] = sent;
    for (int i = 1; i < raw.length; i++) {
      long v = raw[i] == 0 ? t[i - 1] : raw[i];
      t[i] = Math.max(t[i - 1], Math.min(v, reconciled));
    }
    return t;
  }
}
