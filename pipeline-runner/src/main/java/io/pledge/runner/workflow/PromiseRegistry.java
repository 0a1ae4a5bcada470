package io.pledge.runner.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pledge.contract.kratix.Promise;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Promises this instance knows, from the {@code pledge.promises} table, and whether each is
 * Available: its configure workflow completed for the document it holds now.
 */
public final class PromiseRegistry {

  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  /** Where a Promise's configure workflow stands. */
  public enum State {
    CONFIGURING,
    AVAILABLE,
    FAILED
  }

  /**
   * A known Promise.
   *
   * @param name its name
   * @param generation its generation
   * @param digest a hash of its document: which version a workflow ran for
   * @param promise the model
   * @param document the document as published
   * @param state its configure workflow's state
   */
  public record Entry(
      String name,
      long generation,
      String digest,
      Promise promise,
      JsonNode document,
      State state) {
    public boolean available() {
      return state == State.AVAILABLE;
    }

    Entry with(State newState) {
      return new Entry(name, generation, digest, promise, document, newState);
    }
  }

  private final Map<String, Entry> promises = new HashMap<>();
  private final Set<String> deleted = new HashSet<>();

  /**
   * Records a Promise document. Returns the entry when its configure workflow must run (new or
   * changed, or its last run failed), empty when it is already configuring or configured.
   */
  public synchronized Optional<Entry> applied(
      String name, long generation, Promise promise, JsonNode document) {
    String digest = digest(document);
    deleted.remove(name);
    Entry current = promises.get(name);
    if (current != null
        && current.digest().equals(digest)
        && current.generation() == generation
        && current.state() != State.FAILED) {
      return Optional.empty();
    }
    Entry entry = new Entry(name, generation, digest, promise, document, State.CONFIGURING);
    promises.put(name, entry);
    return Optional.of(entry);
  }

  /** The configure workflow for {@code digest} ended; ignored when a newer document arrived. */
  public synchronized void configured(String name, String digest, boolean succeeded) {
    Entry current = promises.get(name);
    if (current != null && current.digest().equals(digest)) {
      promises.put(name, current.with(succeeded ? State.AVAILABLE : State.FAILED));
    }
  }

  public synchronized void deleted(String name) {
    promises.remove(name);
    deleted.add(name);
  }

  public synchronized Optional<Entry> get(String name) {
    return Optional.ofNullable(promises.get(name));
  }

  /** Whether the table said this Promise was deleted (and it has not come back). */
  public synchronized boolean isDeleted(String name) {
    return deleted.contains(name);
  }

  public synchronized int size() {
    return promises.size();
  }

  /** A stable hash of a document, independent of key order. */
  public static String digest(JsonNode document) {
    try {
      Object canonical = CANONICAL.treeToValue(document, Object.class);
      byte[] bytes = CANONICAL.writeValueAsBytes(canonical);
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
          .substring(0, 32);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash a Promise document", e);
    }
  }
}
