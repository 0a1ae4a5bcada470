package io.pledge.notifier.policy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.contract.work.Placement;
import io.pledge.notifier.lifecycle.Lifecycle;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import io.pledge.notifier.lifecycle.LifecycleText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values a template can name. At the top: {@code event}, {@code summary} (the built-in
 * one-liner), {@code reason} (why it fails), {@code message}, {@code generation}, {@code
 * requester}, {@code commit} (the first commit SHA), {@code commits}, {@code destinations} (each
 * {@code name}, {@code commit}, {@code shortCommit}, {@code stateStore}, {@code paths}) and {@code
 * resource}: {@code key}, {@code name}, {@code namespace}, {@code promise}, {@code generation},
 * {@code requester}, {@code message}, {@code status}, {@code apiVersion}, {@code kind}, {@code
 * labels}, {@code annotations}, {@code spec} (the request's spec, as applied, defaults included).
 * Absent texts are empty strings; spec fields are only what the request has.
 */
public final class TemplateModel {

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final int SHORT_SHA = 7;

  private TemplateModel() {}

  /**
   * @param event the event id as the ledger names it ({@code reconciled}, {@code created}, ...)
   * @param about the lifecycle event
   * @param resource the request document at that generation, or null when not known
   */
  public static Map<String, Object> of(String event, LifecycleEvent about, JsonNode resource) {
    ResourceKey key = about.key();
    ResourceStatus status = about.status();
    String requester = status.requester() == null ? "" : status.requester();
    String message = status.message() == null ? "" : status.message();

    Map<String, Object> res = new LinkedHashMap<>();
    res.put("key", key.toString());
    res.put("name", key.name());
    res.put("namespace", key.namespace());
    res.put("promise", key.promise());
    res.put("generation", about.generation());
    res.put("requester", requester);
    res.put("message", message);
    res.put("status", status.displayStatus());
    res.put("apiVersion", resource == null ? "" : resource.path("apiVersion").asText(""));
    res.put("kind", resource == null ? "" : resource.path("kind").asText(""));
    res.put("labels", object(resource == null ? null : resource.path("metadata").get("labels")));
    res.put(
        "annotations",
        object(resource == null ? null : resource.path("metadata").get("annotations")));
    res.put("spec", object(resource == null ? null : resource.get("spec")));

    List<Fields> destinations = new ArrayList<>();
    Set<String> commits = new LinkedHashSet<>();
    for (Placement p : LifecycleText.distinctPlacements(status)) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("name", p.destination());
      d.put("commit", p.version() == null ? "" : p.version());
      d.put("shortCommit", p.version() == null ? "" : shortSha(p.version()));
      d.put("stateStore", p.stateStore() == null ? "" : p.stateStore());
      d.put("paths", p.paths() == null ? List.of() : p.paths());
      destinations.add(new Fields(d));
      if (p.version() != null) {
        commits.add(p.version());
      }
    }

    Map<String, Object> model = new LinkedHashMap<>();
    model.put("event", event);
    model.put("resource", new Fields(res));
    model.put("generation", about.generation());
    model.put("requester", requester);
    model.put("message", message);
    model.put(
        "summary", about.lifecycle() == Lifecycle.PIPELINE ? "" : LifecycleText.summary(about));
    model.put("reason", about.lifecycle() == Lifecycle.FAILED ? LifecycleText.why(status) : "");
    model.put("destinations", destinations);
    model.put("commits", List.copyOf(commits));
    model.put("commit", commits.isEmpty() ? "" : commits.iterator().next());
    return model;
  }

  private static Fields object(JsonNode node) {
    return node == null || !node.isObject()
        ? new Fields(Map.of())
        : (Fields) wrap(EventCodec.JSON.convertValue(node, MAP));
  }

  /** JSON objects as {@link Fields}, at any depth (lists included). */
  private static Object wrap(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> fields = new LinkedHashMap<>();
      map.forEach((k, v) -> fields.put(String.valueOf(k), wrap(v)));
      return new Fields(fields);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(TemplateModel::wrap).toList();
    }
    return value;
  }

  /**
   * A JSON object or a group of model values, looked up by key only. Not a {@link Map}: Qute's map
   * resolver would answer {@code size}, {@code keys} or {@code values} itself, so {@code spec.size}
   * of a spec without a size would read as the number of spec fields.
   */
  public record Fields(Map<String, Object> values) {
    public Fields {
      values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    @Override
    public String toString() {
      return values.toString();
    }
  }

  private static String shortSha(String version) {
    return version.length() > SHORT_SHA ? version.substring(0, SHORT_SHA) : version;
  }
}
