package io.pledge.intake.view;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.CustomResourceDefinition;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.Promise;
import io.pledge.intake.schema.RequestSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A known Promise: its latest document and generation, and the compiled request schema of each
 * version of its API.
 *
 * @param name the Promise's name
 * @param generation its generation
 * @param specHash the hash of its spec
 * @param metaHash the hash of its labels and annotations
 * @param document the document as published (with {@code metadata.generation})
 * @param promise the document as a model
 * @param schemas the request schema per API version name; empty when it has no API
 * @param schemaError why the API's schema could not be compiled, if it could not
 */
public record PromiseEntry(
    String name,
    long generation,
    String specHash,
    String metaHash,
    JsonNode document,
    Promise promise,
    Map<String, RequestSchema> schemas,
    String schemaError) {

  /**
   * Reads a published Promise document.
   *
   * @param rejectUnknown whether its request schemas reject undeclared fields
   */
  public static PromiseEntry of(
      String name, long generation, JsonNode document, boolean rejectUnknown) {
    Promise promise = KratixDocuments.convert(document, Promise.class);
    Map<String, RequestSchema> schemas = new LinkedHashMap<>();
    String error = null;
    Optional<CustomResourceDefinition> api = promise.api();
    if (api.isPresent() && api.get().spec() != null && api.get().spec().versions() != null) {
      for (CustomResourceDefinition.Version v : api.get().spec().versions()) {
        try {
          JsonNode schema = v.schema() == null ? null : v.schema().openAPIV3Schema();
          schemas.put(v.name(), RequestSchema.compile(schema, rejectUnknown));
        } catch (IllegalArgumentException e) {
          error = "version " + v.name() + ": " + e.getMessage();
        }
      }
    }
    return new PromiseEntry(
        name,
        generation,
        Hashes.spec(document),
        Hashes.meta(document),
        document,
        promise,
        Map.copyOf(schemas),
        error);
  }

  public Optional<CustomResourceDefinition> api() {
    return promise.api();
  }

  /**
   * The API version name a request of {@code apiVersion} and {@code kind} is served at, if this
   * Promise offers it: the storage version, or any version marked served.
   */
  public Optional<String> servedVersion(String apiVersion, String kind) {
    Optional<CustomResourceDefinition> api = api();
    if (api.isEmpty() || kind == null || !kind.equals(api.get().kind())) {
      return Optional.empty();
    }
    CustomResourceDefinition crd = api.get();
    Optional<CustomResourceDefinition.Version> storage = crd.storageVersion();
    for (CustomResourceDefinition.Version v : crd.spec().versions()) {
      boolean offered = v.served() || storage.map(s -> s == v).orElse(false);
      if (offered && (crd.group() + "/" + v.name()).equals(apiVersion)) {
        return Optional.of(v.name());
      }
    }
    return Optional.empty();
  }

  /** {@code <group>/<storage version>} of requests, e.g. {@code workshop.kratix.io/v1}. */
  public Optional<String> requestApiVersion() {
    return api().flatMap(CustomResourceDefinition::requestApiVersion);
  }
}
