package io.pledge.writer.store;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * How the writes to each state store went lately. A store counts as failing only after its writes
 * have failed without a success in between for at least the grace period and at least twice, so one
 * transient error (a push race, a network blip the retry absorbs) never makes the writer unready.
 */
public final class StoreHealth {

  /** What is known of one store. */
  public record State(Instant lastSuccess, Instant failingSince, int failures, String lastError) {

    boolean failing(Instant now, Duration grace) {
      return failingSince != null
          && failures >= 2
          && !Duration.between(failingSince, now).minus(grace).isNegative();
    }
  }

  private final Map<String, State> stores = new ConcurrentHashMap<>();

  /** A write (or canary write) to {@code store} succeeded. */
  public void succeeded(String store, Instant at) {
    stores.put(store, new State(at, null, 0, null));
  }

  /** A write to {@code store} failed with {@code error}. */
  public void failed(String store, Instant at, String error) {
    stores.compute(
        store,
        (k, old) ->
            old == null || old.failingSince() == null
                ? new State(old == null ? null : old.lastSuccess(), at, 1, error)
                : new State(old.lastSuccess(), old.failingSince(), old.failures() + 1, error));
  }

  /**
   * The stores among {@code configured} that have been failing for at least {@code grace}, with
   * their last error.
   */
  public Map<String, String> failing(Instant now, Duration grace, Predicate<String> configured) {
    Map<String, String> failing = new LinkedHashMap<>();
    stores.forEach(
        (store, state) -> {
          if (configured.test(store) && state.failing(now, grace)) {
            failing.put(store, state.lastError());
          }
        });
    return failing;
  }

  /** Every store written to so far. */
  public Map<String, State> states() {
    return Map.copyOf(stores);
  }
}
