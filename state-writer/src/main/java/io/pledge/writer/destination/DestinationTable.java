package io.pledge.writer.destination;

import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.destination.DestinationDeleted;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.event.MalformedEventException;
import io.pledge.contract.kratix.BucketStateStore;
import io.pledge.contract.kratix.Destination;
import io.pledge.contract.kratix.GitStateStore;
import io.pledge.contract.kratix.KratixDocuments;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Destinations, GitStateStores and BucketStateStores as last seen on {@code
 * pledge.destinations}, by name. Read by the commit batcher, written by the table follower.
 */
public final class DestinationTable {

  /**
   * What a record changed.
   *
   * @param kind {@code Destination}, {@code GitStateStore} or {@code BucketStateStore}
   * @param name its name
   * @param applied true when applied, false when deleted
   */
  public record Change(String kind, String name, boolean applied) {}

  private final Map<String, Destination> destinations = new ConcurrentHashMap<>();
  private final Map<String, GitStateStore> gitStores = new ConcurrentHashMap<>();
  private final Map<String, BucketStateStore> bucketStores = new ConcurrentHashMap<>();

  /**
   * Applies one record of {@code pledge.destinations}; a null value is a tombstone for its key.
   *
   * @throws MalformedEventException when the record is not a readable destination event
   */
  public Change apply(String key, String value) {
    if (value == null) {
      return forget(key);
    }
    CloudEvent event = EventCodec.read(value);
    EventType type =
        event
            .eventType()
            .orElseThrow(() -> new MalformedEventException("unknown event type " + event.type()));
    switch (type) {
      case DESTINATION_APPLIED -> {
        DestinationApplied applied = EventCodec.data(event, DestinationApplied.class);
        put(applied);
        return new Change(applied.kind(), applied.name(), true);
      }
      case DESTINATION_DELETED -> {
        DestinationDeleted deleted = EventCodec.data(event, DestinationDeleted.class);
        remove(deleted.kind(), deleted.name());
        return new Change(deleted.kind(), deleted.name(), false);
      }
      default ->
          throw new MalformedEventException(event.type() + " does not belong on the destinations");
    }
  }

  /** Adds or replaces a Destination or state store. */
  public void put(DestinationApplied applied) {
    if (applied.kind() == null || applied.name() == null || applied.document() == null) {
      throw new MalformedEventException("destination event without kind, name or document");
    }
    try {
      switch (applied.kind()) {
        case DestinationApplied.DESTINATION ->
            destinations.put(
                applied.name(), KratixDocuments.convert(applied.document(), Destination.class));
        case DestinationApplied.GIT_STATE_STORE ->
            gitStores.put(
                applied.name(), KratixDocuments.convert(applied.document(), GitStateStore.class));
        case DestinationApplied.BUCKET_STATE_STORE ->
            bucketStores.put(
                applied.name(),
                KratixDocuments.convert(applied.document(), BucketStateStore.class));
        default -> throw new MalformedEventException("unknown destination kind " + applied.kind());
      }
    } catch (IllegalArgumentException e) {
      throw new MalformedEventException(e.getMessage());
    }
  }

  public void remove(String kind, String name) {
    switch (kind == null ? "" : kind) {
      case DestinationApplied.DESTINATION -> destinations.remove(name);
      case DestinationApplied.GIT_STATE_STORE -> gitStores.remove(name);
      case DestinationApplied.BUCKET_STATE_STORE -> bucketStores.remove(name);
      default -> throw new MalformedEventException("unknown destination kind " + kind);
    }
  }

  private Change forget(String key) {
    int slash = key == null ? -1 : key.indexOf('/');
    String kind = slash < 0 ? DestinationApplied.DESTINATION : key.substring(0, slash);
    String name = slash < 0 ? key : key.substring(slash + 1);
    remove(kind, name);
    return new Change(kind, name, false);
  }

  public Collection<Destination> destinations() {
    return List.copyOf(destinations.values());
  }

  public Optional<Destination> destination(String name) {
    return Optional.ofNullable(destinations.get(name));
  }

  public Optional<GitStateStore> gitStore(String name) {
    return Optional.ofNullable(gitStores.get(name));
  }

  public Optional<BucketStateStore> bucketStore(String name) {
    return Optional.ofNullable(bucketStores.get(name));
  }

  public Collection<GitStateStore> gitStores() {
    return List.copyOf(gitStores.values());
  }

  public Collection<BucketStateStore> bucketStores() {
    return List.copyOf(bucketStores.values());
  }
}
