package io.pledge.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * The stable identity of a resource request, {@code <namespace>/<promise>/<name>}. It is the Kafka
 * key of every event about the resource, so they all land on one partition, in order.
 */
public record ResourceKey(String namespace, String promise, String name) {

  public ResourceKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(promise, "promise");
    Objects.requireNonNull(name, "name");
  }

  /** Reads {@code <namespace>/<promise>/<name>}. */
  @JsonCreator
  public static ResourceKey parse(String key) {
    String[] parts = key.split("/", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a resource key (namespace/promise/name): " + key);
    }
    return new ResourceKey(parts[0], parts[1], parts[2]);
  }

  /** True when {@code key} names a resource rather than a Promise (Promise keys have no slash). */
  public static boolean isResourceKey(String key) {
    return key != null && key.chars().filter(c -> c == '/').count() == 2;
  }

  @JsonValue
  @Override
  public String toString() {
    return namespace + "/" + promise + "/" + name;
  }
}
