package io.pledge.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients updating the same bench resources at once, client {@code t} through intake {@code t}:
 * every apply carries a {@code spec.seq} of its own, so every apply is a change and the manifest a
 * pipeline writes tells which apply it came from. When an intake does not answer (killed) or
 * answers 503 (no decision in time, e.g. while its partitions move), the client sends the same body
 * to the next intake, as a client behind a load balancer would; sending it again is safe.
 */
final class ConcurrentUpdates {

  /** An apply intake answered 200: the generation it got and the seq it carried. */
  record Answer(String key, long generation, String outcome, long seq, String intake) {}

  /** An apply no intake accepted (after the retries), with the last answer or error. */
  record Refusal(String key, long seq, String reason) {}

  static final String NAMESPACE = "default";
  static final String PROMISE = "bench";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong SEQ = new AtomicLong();
  private static final int ATTEMPTS = 6;

  private final List<IntakeClient> intakes;
  private final List<String> names;
  private final List<Answer> answers = new CopyOnWriteArrayList<>();
  private final List<Refusal> refusals = new CopyOnWriteArrayList<>();

  ConcurrentUpdates(List<IntakeClient> intakes, List<String> names) {
    this.intakes = List.copyOf(intakes);
    this.names = List.copyOf(names);
  }

  static String key(String name) {
    return NAMESPACE + "/" + PROMISE + "/" + name;
  }

  static String document(String name, long seq, String payload) {
    return "apiVersion: bench.pledge.io/v1\nkind: Benchmark\nmetadata:\n  name: "
        + name
        + "\n  namespace: "
        + NAMESPACE
        + "\nspec:\n  seq: "
        + seq
        + "\n  payload: "
        + payload
        + "\n";
  }

  /**
   * One client per intake, each applying every resource {@code rounds} times; answers when all are
   * done.
   */
  void run(int rounds) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(intakes.size());
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < intakes.size(); t++) {
        int client = t;
        done.add(
            clients.submit(
                () -> {
                  for (int round = 0; round < rounds; round++) {
                    for (String name : names) {
                      applyOnce(client, name, "client-" + client + "-round-" + round);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      clients.shutdownNow();
    }
  }

  /** Applies {@code name} with a new seq, from intake {@code first} on; answers the answer. */
  Answer applyOnce(int first, String name, String payload) throws InterruptedException {
    long seq = SEQ.incrementAndGet();
    String body = document(name, seq, payload);
    String reason = "";
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      IntakeClient intake = intakes.get((first + attempt) % intakes.size());
      try {
        HttpResponse<String> response = intake.apply(body);
        if (response.statusCode() == 200) {
          JsonNode item = JSON.readTree(response.body()).path(0);
          Answer answer =
              new Answer(
                  key(name),
                  item.path("generation").asLong(-1),
                  item.path("outcome").asText(""),
                  seq,
                  intake.url());
          answers.add(answer);
          return answer;
        }
        reason = response.statusCode() + " " + response.body();
        if (response.statusCode() != 503) {
          break;
        }
      } catch (IOException e) {
        reason = intake.url() + ": " + e;
      }
      Thread.sleep(200);
    }
    refusals.add(new Refusal(key(name), seq, reason));
    return null;
  }

  List<Answer> answers() {
    return List.copyOf(answers);
  }

  List<Refusal> refusals() {
    return List.copyOf(refusals);
  }
}
