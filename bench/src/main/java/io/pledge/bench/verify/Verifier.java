package io.pledge.bench.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides, from what the state store and the stubs hold, whether anything was lost or doubled.
 * Pure.
 *
 * <ul>
 *   <li><b>Lost request</b>: an accepted request whose resource's manifest at the branch head is
 *       missing or at an older generation; or the last request's manifest shows another request's
 *       {@code seq}.
 *   <li><b>Doubled write</b>: a resource whose manifest history is not strictly increasing in
 *       generation (a generation written twice, or an older one written over a newer one); a
 *       resource with two manifests at the head.
 *   <li><b>Empty commit</b>: a commit whose tree equals its parent's (output that did not change
 *       was committed again).
 *   <li><b>Notifications</b>: each resource's last generation must have exactly one Slack
 *       "reconciled"; no (resource, event, generation) may be posted twice. Billing: exactly one
 *       "created" per resource, and no (resource, generation, action) under two different
 *       Idempotency-Keys (the billing API could not de-duplicate those). The same key sent twice is
 *       a retry the API de-duplicates: counted, not a double.
 * </ul>
 */
public final class Verifier {

  private static final int MAX_LISTED = 20;

  private Verifier() {}

  public static Verdict verify(
      List<Accepted> accepted,
      List<Manifest> head,
      List<Write> history,
      int emptyCommits,
      List<Delivery> deliveries) {
    Map<String, Accepted> last = new TreeMap<>();
    for (Accepted a : accepted) {
      last.merge(a.key(), a, (x, y) -> y.generation() > x.generation() ? y : x);
    }
    Map<String, List<Manifest>> atHead = new HashMap<>();
    for (Manifest m : head) {
      atHead.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m);
    }

    List<String> lost = new ArrayList<>();
    int lostRequests = 0;
    for (Accepted a : accepted) {
      List<Manifest> found = atHead.get(a.key());
      long headGeneration =
          found == null ? -1 : found.stream().mapToLong(Manifest::generation).max().orElse(-1);
      if (headGeneration < a.generation()) {
        lostRequests++;
      }
    }
    for (Accepted a : last.values()) {
      List<Manifest> found = atHead.get(a.key());
      if (found == null) {
        lost.add(a.key() + ": no manifest at the head (generation " + a.generation() + ")");
      } else {
        Manifest m = found.get(0);
        if (m.generation() < a.generation()) {
          lost.add(
              a.key() + ": head has generation " + m.generation() + ", accepted " + a.generation());
        } else if (m.generation() == a.generation() && m.seq() != a.seq()) {
          lost.add(
              a.key()
                  + ": generation "
                  + a.generation()
                  + " shows seq "
                  + m.seq()
                  + ", the request sent "
                  + a.seq());
          lostRequests++;
        }
      }
    }

    List<String> doubled = new ArrayList<>();
    for (Map.Entry<String, List<Manifest>> e : new TreeMap<>(atHead).entrySet()) {
      if (e.getValue().size() > 1) {
        doubled.add(e.getKey() + ": " + e.getValue().size() + " manifests at the head");
      }
    }
    Map<String, List<Write>> writes = new TreeMap<>();
    for (Write w : history) {
      writes.computeIfAbsent(w.key(), k -> new ArrayList<>()).add(w);
    }
    for (Map.Entry<String, List<Write>> e : writes.entrySet()) {
      List<Write> ws = new ArrayList<>(e.getValue());
      ws.sort((x, y) -> Integer.compare(x.commit(), y.commit()));
      for (int i = 1; i < ws.size(); i++) {
        if (ws.get(i).generation() <= ws.get(i - 1).generation()) {
          doubled.add(
              e.getKey()
                  + ": generations written in order "
                  + ws.stream().map(w -> Long.toString(w.generation())).toList());
          break;
        }
      }
    }

    Map<String, Integer> slack = new TreeMap<>();
    Map<String, Set<String>> billingKeys = new TreeMap<>();
    Map<String, Integer> billingCalls = new TreeMap<>();
    Map<String, Set<Long>> created = new TreeMap<>();
    for (Delivery d : deliveries) {
      String id = d.key() + " " + d.event() + " generation " + d.generation();
      if ("slack".equals(d.channel())) {
        slack.merge(id, 1, Integer::sum);
      } else if ("billing".equals(d.channel())) {
        billingKeys
            .computeIfAbsent(id, k -> new HashSet<>())
            .add(d.idempotencyKey() == null ? "" : d.idempotencyKey());
        billingCalls.merge(id, 1, Integer::sum);
        if ("created".equals(d.event())) {
          created.computeIfAbsent(d.key(), k -> new HashSet<>()).add(d.generation());
        }
      }
    }
    List<String> notificationsLost = new ArrayList<>();
    List<String> notificationsDoubled = new ArrayList<>();
    int billingResent = 0;
    for (Accepted a : last.values()) {
      if (!slack.containsKey(a.key() + " reconciled generation " + a.generation())) {
        notificationsLost.add("slack: " + a.key() + " reconciled generation " + a.generation());
      }
      if (!created.containsKey(a.key())) {
        notificationsLost.add("billing: " + a.key() + " created");
      }
    }
    slack.forEach(
        (id, n) -> {
          if (n > 1) {
            notificationsDoubled.add("slack: " + id + " posted " + n + " times");
          }
        });
    for (Map.Entry<String, Set<String>> e : billingKeys.entrySet()) {
      if (e.getValue().size() > 1) {
        notificationsDoubled.add(
            "billing: " + e.getKey() + " under " + e.getValue().size() + " Idempotency-Keys");
      }
      billingResent += billingCalls.get(e.getKey()) - e.getValue().size();
    }
    created.forEach(
        (key, generations) -> {
          if (generations.size() > 1) {
            notificationsDoubled.add("billing: " + key + " created at generations " + generations);
          }
        });

    return new Verdict(
        accepted.size(),
        last.size(),
        lostRequests,
        lost.size(),
        cap(lost),
        doubled.size(),
        cap(doubled),
        emptyCommits,
        notificationsLost.size(),
        cap(notificationsLost),
        notificationsDoubled.size(),
        cap(notificationsDoubled),
        billingResent);
  }

  private static List<String> cap(List<String> items) {
    return List.copyOf(items.size() > MAX_LISTED ? items.subList(0, MAX_LISTED) : items);
  }
}
