package io.pledge.bench.verify;

import java.util.List;

/**
 * What the verification found. The lists hold the first few cases, for the report.
 *
 * @param requestsAccepted accepted requests checked
 * @param resources distinct resources they went to
 * @param lostRequests accepted requests whose generation is not at the branch head
 * @param lostResources resources whose last accepted generation is not at the head
 * @param lost examples
 * @param doubledResources resources written twice for one generation, out of order, or twice at the
 *     head
 * @param doubled examples
 * @param emptyCommits commits that changed nothing
 * @param notificationsLost expected Slack/billing calls that never arrived
 * @param lostNotifications examples
 * @param notificationsDoubled Slack posts or billing effects that arrived twice
 * @param doubledNotifications examples
 * @param billingResent billing calls repeated with the same Idempotency-Key (de-duplicated by the
 *     API, so not doubled)
 */
public record Verdict(
    int requestsAccepted,
    int resources,
    int lostRequests,
    int lostResources,
    List<String> lost,
    int doubledResources,
    List<String> doubled,
    int emptyCommits,
    int notificationsLost,
    List<String> lostNotifications,
    int notificationsDoubled,
    List<String> doubledNotifications,
    int billingResent) {

  /** Nothing lost, nothing doubled. */
  public boolean ok() {
    return lostRequests == 0
        && lostResources == 0
        && doubledResources == 0
        && emptyCommits == 0
        && notificationsLost == 0
        && notificationsDoubled == 0;
  }

  /** Lost things of any kind: requests, plus notifications. */
  public int lostTotal() {
    return lostRequests + notificationsLost;
  }

  /** Doubled things of any kind: writes, empty commits, notifications. */
  public int doubledTotal() {
    return doubledResources + emptyCommits + notificationsDoubled;
  }
}
