package io.pledge.notifier.request;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.request.RequestDeleted;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The request documents (with their {@code spec}) of each resource by generation, read from {@code
 * pledge.requests}: the status events do not carry the spec, and templates and billing need it (the
 * requester's address, the plan and size). Keeps the last few generations per resource.
 */
public final class ResourceDocuments {

  private static final Logger LOG = Logger.getLogger(ResourceDocuments.class);
  static final int GENERATIONS_KEPT = 3;

  private final Map<String, NavigableMap<Long, JsonNode>> documents = new ConcurrentHashMap<>();

  /**
   * Takes in one record of the requests topic; what is not an applied or deleted request is
   * skipped.
   */
  public void apply(String key, String value) {
    if (key == null || value == null) {
      return;
    }
    try {
      CloudEvent event = EventCodec.read(value);
      if (EventType.REQUEST_APPLIED.type().equals(event.type())) {
        RequestApplied applied = EventCodec.data(event, RequestApplied.class);
        put(key, applied.generation(), applied.resource());
      } else if (EventType.REQUEST_DELETED.type().equals(event.type())) {
        RequestDeleted deleted = EventCodec.data(event, RequestDeleted.class);
        if (!has(key, deleted.generation())) {
          put(key, deleted.generation(), deleted.resource());
        }
      }
    } catch (RuntimeException e) {
      LOG.debugf("skipping unreadable request record of %s: %s", key, e.getMessage());
    }
  }

  public void put(String key, long generation, JsonNode resource) {
    if (resource == null) {
      return;
    }
    NavigableMap<Long, JsonNode> byGeneration =
        documents.computeIfAbsent(key, k -> new TreeMap<>());
    synchronized (byGeneration) {
      byGeneration.put(generation, resource);
      while (byGeneration.size() > GENERATIONS_KEPT) {
        byGeneration.pollFirstEntry();
      }
    }
  }

  /** True when the document of exactly {@code generation} is known. */
  public boolean has(String key, long generation) {
    NavigableMap<Long, JsonNode> byGeneration = documents.get(key);
    if (byGeneration == null) {
      return false;
    }
    synchronized (byGeneration) {
      return byGeneration.containsKey(generation);
    }
  }

  /** The document of {@code generation}, else of the latest generation before it; or null. */
  public JsonNode at(String key, long generation) {
    NavigableMap<Long, JsonNode> byGeneration = documents.get(key);
    if (byGeneration == null) {
      return null;
    }
    synchronized (byGeneration) {
      Map.Entry<Long, JsonNode> e = byGeneration.floorEntry(generation);
      return e == null ? null : e.getValue();
    }
  }

  public int size() {
    return documents.size();
  }
}
