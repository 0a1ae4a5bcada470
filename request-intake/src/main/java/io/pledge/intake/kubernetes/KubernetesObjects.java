package io.pledge.intake.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.event.EventCodec;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Pure conversions between cluster objects and the documents the apply path takes: what to keep of
 * an object (its identity, labels, annotations and spec; never server-managed metadata or status),
 * a Promise's request CRD, and status comparison that does not see a difference where JSON sees
 * none.
 */
public final class KubernetesObjects {

  /** Written by {@code kubectl apply}: a copy of the object, of no use to the pipelines. */
  static final Set<String> DROPPED_ANNOTATIONS =
      Set.of("kubectl.kubernetes.io/last-applied-configuration");

  /** Holds a request object until Pledge has deleted the request (see the watcher). */
  public static final String FINALIZER = "pledge.io/delete";

  private KubernetesObjects() {}

  /** Whether {@code object} carries {@code finalizer}. */
  static boolean hasFinalizer(
      io.fabric8.kubernetes.api.model.HasMetadata object, String finalizer) {
    List<String> finalizers = object.getMetadata().getFinalizers();
    return finalizers != null && finalizers.contains(finalizer);
  }

  /** {@code finalizers} with {@code finalizer} added (once) or removed, others kept in order. */
  static List<String> withFinalizer(List<String> finalizers, String finalizer, boolean add) {
    List<String> out = new ArrayList<>(finalizers == null ? List.of() : finalizers);
    out.remove(finalizer);
    if (add) {
      out.add(finalizer);
    }
    return out;
  }

  /**
   * The document to apply for a cluster object: {@code apiVersion}, {@code kind}, {@code
   * metadata{name, namespace?, labels?, annotations?}} and {@code spec}.
   */
  public static ObjectNode document(JsonNode object) {
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put("apiVersion", object.path("apiVersion").asText());
    doc.put("kind", object.path("kind").asText());
    JsonNode meta = object.path("metadata");
    ObjectNode metadata = doc.putObject("metadata");
    metadata.put("name", meta.path("name").asText());
    if (meta.hasNonNull("namespace")) {
      metadata.put("namespace", meta.get("namespace").asText());
    }
    if (meta.path("labels").isObject() && !meta.get("labels").isEmpty()) {
      metadata.set("labels", meta.get("labels").deepCopy());
    }
    if (meta.path("annotations").isObject()) {
      ObjectNode annotations = meta.get("annotations").deepCopy();
      DROPPED_ANNOTATIONS.forEach(annotations::remove);
      if (!annotations.isEmpty()) {
        metadata.set("annotations", annotations);
      }
    }
    if (object.has("spec")) {
      doc.set("spec", object.get("spec").deepCopy());
    }
    return doc;
  }

  /**
   * The CRD to install for a Promise's {@code spec.api}: as written, with a {@code status}
   * subresource on every version and a status schema that keeps whatever is written there (the
   * folded status and the pipelines' {@code status.yaml} keys), as Kratix installs it.
   */
  public static ObjectNode requestCrd(JsonNode api) {
    ObjectNode crd = api.deepCopy();
    crd.put("apiVersion", "apiextensions.k8s.io/v1");
    crd.put("kind", "CustomResourceDefinition");
    ObjectNode metadata = crd.withObjectProperty("metadata");
    metadata.remove(Set.of("resourceVersion", "uid", "creationTimestamp", "generation"));
    ObjectNode spec = crd.withObjectProperty("spec");
    if (!spec.hasNonNull("scope")) {
      spec.put("scope", "Namespaced");
    }
    for (JsonNode version : spec.path("versions")) {
      ObjectNode v = (ObjectNode) version;
      v.withObjectProperty("subresources").withObjectProperty("status");
      ObjectNode schema = v.withObjectProperty("schema").withObjectProperty("openAPIV3Schema");
      if (!schema.has("type")) {
        schema.put("type", "object");
      }
      ObjectNode status = schema.withObjectProperty("properties").withObjectProperty("status");
      status.removeAll();
      status.put("type", "object");
      status.put("x-kubernetes-preserve-unknown-fields", true);
      if (!v.path("additionalPrinterColumns").isArray()
          || v.get("additionalPrinterColumns").isEmpty()) {
        v.set("additionalPrinterColumns", DEFAULT_PRINTER_COLUMNS.deepCopy());
      }
    }
    return crd;
  }

  /**
   * Kratix's columns for an API that defines none: {@code kubectl get <plural>} shows {@code NAME
   * MESSAGE STATUS}, the pipelines' message and the Reconciled condition's message.
   */
  private static final JsonNode DEFAULT_PRINTER_COLUMNS = defaultPrinterColumns();

  private static JsonNode defaultPrinterColumns() {
    var columns = JsonNodeFactory.instance.arrayNode();
    columns
        .addObject()
        .put("name", "message")
        .put("type", "string")
        .put("jsonPath", ".status.message");
    columns
        .addObject()
        .put("name", "status")
        .put("type", "string")
        .put("jsonPath", ".status.conditions[?(@.type==\"Reconciled\")].message");
    return columns;
  }

  /**
   * Whether two status documents say the same, ignoring how numbers were typed (an {@code int} read
   * from the cluster and a {@code long} rendered here) and key order.
   */
  public static boolean sameStatus(JsonNode current, JsonNode desired) {
    return canonical(current).equals(canonical(desired));
  }

  static JsonNode canonical(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return JsonNodeFactory.instance.objectNode();
    }
    try {
      return EventCodec.JSON.readTree(EventCodec.JSON.writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code namespace/name} or {@code name}: the key of an object in an informer's cache. */
  public static String cacheKey(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  /** A refused object's problem in one line: its detail and each field's error. */
  public static String rejectionMessage(JsonNode problem) {
    StringBuilder message = new StringBuilder(problem.path("detail").asText());
    for (JsonNode error : problem.path("errors")) {
      message
          .append(message.length() == 0 ? "" : "; ")
          .append(error.path("path").asText())
          .append(": ")
          .append(error.path("message").asText());
    }
    return message.toString();
  }
}
