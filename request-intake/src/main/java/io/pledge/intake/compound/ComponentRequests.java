package io.pledge.intake.compound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.Promise;
import io.pledge.contract.work.ComponentSet;
import io.pledge.contract.work.Work;
import io.pledge.intake.auth.Permissions;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.PromiseEntry;
import io.pledge.intake.view.RequestState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Compound Promises, intake's half: turns a {@link ComponentSet} into a {@link ComponentPlan}. Pure
 * but for reading the view.
 *
 * <p>The set is authorised as its parent Promise, not as whoever asked for the parent: a request's
 * workflow renders what its requester chose, so it may only ask for resource requests, in the
 * parent's own namespace; a Promise's own Works (its workflow, its dependencies) are the platform
 * team's, so they may also install Promises, as Kratix's compound Promises install their
 * sub-Promises. Each document is labelled with Kratix's parent labels and with the set it belongs
 * to; a request that exists and belongs to something else is not taken over. A chain of parents
 * that comes back to a Promise already in it is refused: it would never end.
 */
public final class ComponentRequests {

  private ComponentRequests() {}

  /**
   * @param documents the set's documents, as read from its workloads
   * @param defaultNamespace the namespace of a request that names none, for a Promise's own Works
   * @throws ProblemException 403 for a document the parent may not apply, 409 for a request owned
   *     by something else, 422 for a chain of parents that would not end
   */
  public static ComponentPlan plan(
      ComponentSet set, List<JsonNode> documents, IntakeView view, String defaultNamespace) {
    boolean fromRequest = Work.RESOURCE.equals(set.workType());
    String label = set.setLabel();
    List<String> ancestry = ancestry(set, view);
    List<JsonNode> labelled = new ArrayList<>();
    Set<ResourceKey> keys = new HashSet<>();
    Set<String> promises = new HashSet<>();
    for (JsonNode original : documents) {
      ObjectNode document = original.deepCopy();
      ObjectNode metadata = document.with("metadata");
      String name = metadata.path("name").asText("");
      if (isPromise(document)) {
        if (fromRequest) {
          throw Permissions.forbidden(
              "A resource's workflow may only request resources on the platform; "
                  + describe(set)
                  + " wrote a Promise ("
                  + name
                  + ")");
        }
        requireOwnedBy(view.promise(name).map(PromiseEntry::document), label, "Promise " + name);
        promises.add(name);
      } else if (Permissions.platformDocument(document)) {
        throw Permissions.forbidden(
            "Only resource requests and Promises may be applied through the platform; "
                + describe(set)
                + " wrote a "
                + document.path("kind").asText("document without a kind"));
      } else {
        String namespace =
            metadata
                .path("namespace")
                .asText(fromRequest ? set.parentNamespace() : defaultNamespace);
        if (fromRequest && !namespace.equals(set.parentNamespace())) {
          throw Permissions.forbidden(
              describe(set)
                  + " may only request resources in its own namespace "
                  + set.parentNamespace()
                  + ", not in "
                  + namespace);
        }
        metadata.put("namespace", namespace);
        Optional<PromiseEntry> offering =
            view.promiseOffering(
                document.path("apiVersion").asText(), document.path("kind").asText());
        if (offering.isPresent()) {
          String promise = offering.get().name();
          if (ancestry.contains(promise)) {
            throw ProblemException.invalid(
                describe(set)
                    + " requests a "
                    + promise
                    + ", which is already among its parents ("
                    + String.join(" -> ", ancestry)
                    + " -> "
                    + promise
                    + "): the requests would never end",
                List.of());
          }
          ResourceKey key = new ResourceKey(namespace, promise, name);
          requireOwnedBy(
              view.request(key).filter(r -> !r.deleted()).map(RequestState::document),
              label,
              promise + " " + namespace + "/" + name);
          keys.add(key);
        }
        // A kind no Promise offers is left to the planner, which refuses it as for any caller.
      }
      label(metadata, set, label);
      labelled.add(document);
    }
    List<ResourceKey> staleRequests =
        view.requestsLabelled(ComponentSet.SET_LABEL, label).stream()
            .map(RequestState::key)
            .filter(k -> !keys.contains(k))
            .toList();
    List<String> stalePromises =
        view.promises().stream()
            .filter(p -> label.equals(labelOf(p.document(), ComponentSet.SET_LABEL)))
            .map(PromiseEntry::name)
            .filter(n -> !promises.contains(n))
            .toList();
    return new ComponentPlan(List.copyOf(labelled), staleRequests, stalePromises);
  }

  /** The Promises from the top parent down to the set's own, read from the parent labels. */
  static List<String> ancestry(ComponentSet set, IntakeView view) {
    LinkedHashSet<String> chain = new LinkedHashSet<>();
    chain.add(set.promise());
    Optional<JsonNode> parent =
        Work.RESOURCE.equals(set.workType())
            ? view.request(ResourceKey.parse(set.parentKey())).map(RequestState::document)
            : Optional.empty();
    while (parent.isPresent()) {
      String promise = labelOf(parent.get(), ComponentSet.PARENT_PROMISE_LABEL);
      String name = labelOf(parent.get(), ComponentSet.PARENT_NAME_LABEL);
      String namespace = labelOf(parent.get(), ComponentSet.PARENT_NAMESPACE_LABEL);
      if (promise == null || !chain.add(promise) || name == null || namespace == null) {
        break;
      }
      parent = view.request(new ResourceKey(namespace, promise, name)).map(RequestState::document);
    }
    List<String> topDown = new ArrayList<>(chain);
    java.util.Collections.reverse(topDown);
    return topDown;
  }

  private static void label(ObjectNode metadata, ComponentSet set, String label) {
    ObjectNode labels = metadata.with("labels");
    labels.put(ComponentSet.PARENT_PROMISE_LABEL, set.promise());
    if (Work.RESOURCE.equals(set.workType())) {
      labels.put(ComponentSet.PARENT_NAME_LABEL, set.parentName());
      labels.put(ComponentSet.PARENT_NAMESPACE_LABEL, set.parentNamespace());
    }
    labels.put(ComponentSet.SET_LABEL, label);
  }

  /** An object that exists must already be this set's: a set does not take over others' objects. */
  private static void requireOwnedBy(Optional<JsonNode> existing, String label, String what) {
    if (existing.isPresent() && !label.equals(labelOf(existing.get(), ComponentSet.SET_LABEL))) {
      throw ProblemException.of(
          409,
          "conflict",
          "Conflict",
          what + " already exists and was not applied by this parent; it is left as it is",
          List.of());
    }
  }

  private static boolean isPromise(JsonNode document) {
    return KratixDocuments.API_VERSION.equals(document.path("apiVersion").asText())
        && Promise.KIND.equals(document.path("kind").asText());
  }

  static String labelOf(JsonNode document, String label) {
    JsonNode value = document.path("metadata").path("labels").path(label);
    return value.isTextual() ? value.asText() : null;
  }

  /** The parent, as messages name it. */
  static String describe(ComponentSet set) {
    return Work.RESOURCE.equals(set.workType())
        ? set.promise() + " " + set.parentNamespace() + "/" + set.parentName()
        : "Promise " + set.promise();
  }
}
