package io.pledge.writer.scheduling;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pledge.contract.event.EventCodec;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of the compacted {@code pledge.placements} topic: sticky placements ({@code
 * placement/<work identity>/<groupId>}) and remembered Works ({@code work/<work identity>}).
 * Replayed from the beginning at start-up, then kept current both by the table follower and by the
 * writer itself as it publishes (write-through), so a decision is visible before its record comes
 * back from the broker.
 */
public final class PlacementTable {

  public static final String PLACEMENT_PREFIX = "placement/";
  public static final String WORK_PREFIX = "work/";

  private final Map<String, Map<String, PlacementRecord>> placements = new ConcurrentHashMap<>();
  private final Map<String, RememberedWork> works = new ConcurrentHashMap<>();

  /**
   * Applies one record of {@code pledge.placements}; a null value is a tombstone.
   *
   * @throws IllegalArgumentException for a key or value this writer did not write
   */
  public void apply(String key, String value) {
    if (key == null) {
      throw new IllegalArgumentException("placement record without a key");
    }
    try {
      if (key.startsWith(PLACEMENT_PREFIX)) {
        String rest = key.substring(PLACEMENT_PREFIX.length());
        int slash = rest.lastIndexOf('/');
        if (slash < 0) {
          throw new IllegalArgumentException("not a placement key: " + key);
        }
        if (value == null) {
          removePlacement(rest.substring(0, slash), rest.substring(slash + 1));
        } else {
          putPlacement(EventCodec.JSON.readValue(value, PlacementRecord.class));
        }
      } else if (key.startsWith(WORK_PREFIX)) {
        if (value == null) {
          forget(key.substring(WORK_PREFIX.length()));
        } else {
          remember(EventCodec.JSON.readValue(value, RememberedWork.class));
        }
      } else {
        throw new IllegalArgumentException("not a placement key: " + key);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("unreadable placement record " + key, e);
    }
  }

  public void putPlacement(PlacementRecord record) {
    placements
        .computeIfAbsent(record.identity(), k -> new ConcurrentHashMap<>())
        .put(record.workloadGroupId(), record);
  }

  public void removePlacement(String identity, String groupId) {
    placements.computeIfPresent(
        identity,
        (k, groups) -> {
          groups.remove(groupId);
          return groups.isEmpty() ? null : groups;
        });
  }

  /** Where each group (by id) of the Work with {@code identity} was placed. */
  public Map<String, Set<String>> destinationsOf(String identity) {
    Map<String, Set<String>> result = new TreeMap<>();
    placements
        .getOrDefault(identity, Map.of())
        .forEach((group, record) -> result.put(group, new TreeSet<>(record.destinations())));
    return result;
  }

  /** The placement of group {@code groupId} of the Work with {@code identity}, if any. */
  public Optional<PlacementRecord> placement(String identity, String groupId) {
    return Optional.ofNullable(placements.getOrDefault(identity, Map.of()).get(groupId));
  }

  /** Every placement on {@code destination}, sorted by identity and group. */
  public List<PlacementRecord> placementsOn(String destination) {
    return placements.values().stream()
        .flatMap(groups -> groups.values().stream())
        .filter(r -> r.destinations() != null && r.destinations().contains(destination))
        .sorted(
            java.util.Comparator.comparing((PlacementRecord r) -> r.identity())
                .thenComparing(PlacementRecord::workloadGroupId))
        .toList();
  }

  /** Every placement of the Work with {@code identity}. */
  public List<PlacementRecord> placementsOf(String identity) {
    return new ArrayList<>(placements.getOrDefault(identity, Map.of()).values());
  }

  /** Every placement of every Work with {@code key}, sorted by identity and group. */
  public List<PlacementRecord> placementsOfKey(String key) {
    List<PlacementRecord> result = new ArrayList<>();
    placements.values().stream()
        .flatMap(groups -> groups.values().stream())
        .filter(r -> key.equals(r.key()))
        .sorted(
            java.util.Comparator.comparing((PlacementRecord r) -> r.identity())
                .thenComparing(PlacementRecord::workloadGroupId))
        .forEach(result::add);
    return result;
  }

  public void remember(RememberedWork work) {
    works.put(work.work().identity(), work);
  }

  public void forget(String identity) {
    works.remove(identity);
  }

  public Optional<RememberedWork> remembered(String identity) {
    return Optional.ofNullable(works.get(identity));
  }

  public Collection<RememberedWork> rememberedWorks() {
    return List.copyOf(works.values());
  }

  /** The value of a record, as written on the topic. */
  public static String json(Object record) {
    try {
      return EventCodec.JSON.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
