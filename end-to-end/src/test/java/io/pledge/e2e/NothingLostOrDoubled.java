package io.pledge.e2e;

import io.pledge.e2e.BenchStateStore.Manifest;
import io.pledge.e2e.BenchStateStore.Snapshot;
import io.pledge.e2e.ConcurrentUpdates.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The bench verifier's rules ({@code bench/.../verify/Verifier}), over what the state store and the
 * Slack stand-in hold after the load; the bench module is a shaded application, not a library this
 * module can put on its class path, so the rules are stated here again.
 *
 * <ul>
 *   <li>Lost: a resource whose manifest at the head is missing, older than its last accepted
 *       generation, or at that generation with another apply's seq.
 *   <li>Doubled: two manifests of one resource at the head; a resource whose manifest history is
 *       not strictly increasing in generation (one generation written twice, or an older one over a
 *       newer one); a commit that changes nothing.
 *   <li>Notifications: each resource's last generation has exactly one Slack "reconciled"; no
 *       (resource, event, generation) is posted twice.
 * </ul>
 */
final class NothingLostOrDoubled {

  /**
   * The bench policy's Slack text: {@code bench {resource.key} {event} generation {generation}}.
   */
  private static final Pattern SLACK = Pattern.compile("bench (\\S+) (\\w+) generation (\\d+)");

  private NothingLostOrDoubled() {}

  /** What a Slack message announces: {@code <key> <event> generation <n>}. */
  static Optional<String> slackPost(String body) {
    Matcher m = SLACK.matcher(body);
    return m.find()
        ? Optional.of(m.group(1) + " " + m.group(2) + " generation " + m.group(3))
        : Optional.empty();
  }

  /** Each resource's accepted apply with the highest generation. */
  static Map<String, Answer> last(List<Answer> answers) {
    return answers.stream()
        .collect(
            Collectors.toMap(
                Answer::key,
                Function.identity(),
                (x, y) -> y.generation() > x.generation() ? y : x,
                TreeMap::new));
  }

  /** What was lost or doubled, one line each; empty when nothing was. */
  static List<String> problems(List<Answer> answers, Snapshot store, List<String> slackBodies) {
    List<String> problems = new ArrayList<>();
    Map<String, List<Manifest>> head =
        store.head().stream()
            .collect(Collectors.groupingBy(Manifest::key, TreeMap::new, Collectors.toList()));
    last(answers)
        .forEach(
            (key, answer) -> {
              List<Manifest> found = head.getOrDefault(key, List.of());
              if (found.isEmpty()) {
                problems.add("lost: " + key + " has no manifest at the head");
              } else if (found.size() > 1) {
                problems.add("doubled: " + key + " has " + found.size() + " manifests at the head");
              } else if (found.get(0).generation() != answer.generation()
                  || found.get(0).seq() != answer.seq()) {
                problems.add(
                    "lost: "
                        + key
                        + " head shows generation "
                        + found.get(0).generation()
                        + " seq "
                        + found.get(0).seq()
                        + ", the last accepted apply is generation "
                        + answer.generation()
                        + " seq "
                        + answer.seq());
              }
            });

    Map<String, List<Long>> written = new TreeMap<>();
    store
        .writes()
        .forEach(w -> written.computeIfAbsent(w.key(), k -> new ArrayList<>()).add(w.generation()));
    written.forEach(
        (key, generations) -> {
          for (int i = 1; i < generations.size(); i++) {
            if (generations.get(i) <= generations.get(i - 1)) {
              problems.add("doubled: " + key + " generations written in order " + generations);
              break;
            }
          }
        });
    if (store.emptyCommits() > 0) {
      problems.add("doubled: " + store.emptyCommits() + " commits change nothing");
    }

    Map<String, Integer> posts = new TreeMap<>();
    for (String body : slackBodies) {
      slackPost(body).ifPresent(post -> posts.merge(post, 1, Integer::sum));
    }
    last(answers)
        .forEach(
            (key, answer) -> {
              if (!posts.containsKey(key + " reconciled generation " + answer.generation())) {
                problems.add(
                    "lost: slack " + key + " reconciled generation " + answer.generation());
              }
            });
    posts.forEach(
        (post, n) -> {
          if (n > 1) {
            problems.add("doubled: slack " + post + " posted " + n + " times");
          }
        });
    return problems;
  }
}
