package io.pledge.intake.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.PolicyEntry;
import io.pledge.intake.view.PromiseEntry;
import io.pledge.intake.view.RequestState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one apply body has planned so far, over the view: documents earlier in a body are visible to
 * later ones (a Promise and then requests for it), and a later change of the same object sees the
 * earlier one's generation.
 */
final class ApplyBatch {

  private final IntakeView view;
  private final String defaultNamespace;
  private final Map<String, PromiseEntry> promises = new LinkedHashMap<>();
  private final Map<String, JsonNode> destinations = new LinkedHashMap<>();
  private final Map<String, PolicyEntry> policies = new LinkedHashMap<>();
  private final Map<ResourceKey, RequestState> requests = new LinkedHashMap<>();

  ApplyBatch(IntakeView view, String defaultNamespace) {
    this.view = view;
    this.defaultNamespace = defaultNamespace;
  }

  IntakeView view() {
    return view;
  }

  String defaultNamespace() {
    return defaultNamespace;
  }

  /** The Promise {@code name} as this body or the view has it. */
  Optional<PromiseEntry> promise(String name) {
    return Optional.ofNullable(promises.get(name)).or(() -> view.promise(name));
  }

  /** The Promise offering {@code kind} in {@code apiVersion}, this body's first. */
  Optional<PromiseEntry> promiseOffering(String apiVersion, String kind) {
    for (PromiseEntry p : promises.values()) {
      if (p.servedVersion(apiVersion, kind).isPresent()) {
        return Optional.of(p);
      }
    }
    return view.promiseOffering(apiVersion, kind).filter(p -> !promises.containsKey(p.name()));
  }

  /** Every Promise, this body's replacing the view's. */
  List<PromiseEntry> allPromises() {
    Map<String, PromiseEntry> all = new LinkedHashMap<>();
    view.promises().forEach(p -> all.put(p.name(), p));
    all.putAll(promises);
    return List.copyOf(all.values());
  }

  void planned(PromiseEntry promise) {
    promises.put(promise.name(), promise);
  }

  /** The Destination or state store document under {@code key}; null when there is none. */
  JsonNode destination(String key) {
    return destinations.containsKey(key)
        ? destinations.get(key)
        : view.destination(key).map(DestinationApplied::document).orElse(null);
  }

  void plannedDestination(String key, JsonNode document) {
    destinations.put(key, document);
  }

  Optional<PolicyEntry> policy(String name) {
    return Optional.ofNullable(policies.get(name)).or(() -> view.policy(name));
  }

  void planned(PolicyEntry policy) {
    policies.put(policy.name(), policy);
  }

  /** The request under {@code key}; null when there is none. */
  RequestState request(ResourceKey key) {
    return requests.containsKey(key) ? requests.get(key) : view.request(key).orElse(null);
  }

  void planned(RequestState request) {
    requests.put(request.key(), request);
  }
}
