package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The API path of the object a document describes: Promises, Destinations, state stores and
 * policies by kind, a request by the Promise that serves its kind (looked up once).
 */
final class ObjectPaths {

  private static final String KRATIX = "platform.kratix.io/v1alpha1";
  private static final String PLEDGE = "pledge.io/v1alpha1";

  private final IntakeClient client;
  private final String defaultNamespace;
  private Map<String, String> promiseOfKind;

  ObjectPaths(IntakeClient client, String defaultNamespace) {
    this.client = client;
    this.defaultNamespace = defaultNamespace;
  }

  /** Empty when no Promise serves the document's kind. */
  Optional<String> of(JsonNode document) {
    String apiVersion = document.path("apiVersion").asText();
    String kind = document.path("kind").asText();
    String name = IntakeClient.path(document.path("metadata").path("name").asText());
    if (KRATIX.equals(apiVersion)) {
      switch (kind) {
        case "Promise":
          return Optional.of("api/v1/promises/" + name);
        case "Destination":
        case "GitStateStore":
        case "BucketStateStore":
          return Optional.of("api/v1/" + kind.toLowerCase(Locale.ROOT) + "s/" + name);
        default:
          break;
      }
    }
    if (PLEDGE.equals(apiVersion) && "NotificationPolicy".equals(kind)) {
      return Optional.of("api/v1/notificationpolicies/" + name);
    }
    String promise = promises().get(apiVersion.toLowerCase(Locale.ROOT) + "/" + kind);
    if (promise == null) {
      return Optional.empty();
    }
    String namespace = document.path("metadata").path("namespace").asText(defaultNamespace);
    return Optional.of("api/v1/resources/" + IntakeClient.path(namespace, promise) + "/" + name);
  }

  /** The Promise that serves a request document's kind; empty for platform objects. */
  Optional<String> promiseOf(JsonNode document) {
    String apiVersion = document.path("apiVersion").asText();
    if (KRATIX.equals(apiVersion) || PLEDGE.equals(apiVersion)) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        promises().get(apiVersion.toLowerCase(Locale.ROOT) + "/" + document.path("kind").asText()));
  }

  /** {@code <group/version>/<Kind>} of each Promise's requests, from the Promises' status. */
  private Map<String, String> promises() {
    if (promiseOfKind == null) {
      promiseOfKind = new HashMap<>();
      for (JsonNode p : client.getJson("api/v1/promises").path("items")) {
        JsonNode status = p.path("status");
        promiseOfKind.put(
            status.path("apiVersion").asText() + "/" + status.path("kind").asText(),
            p.path("metadata").path("name").asText());
      }
    }
    return promiseOfKind;
  }
}
