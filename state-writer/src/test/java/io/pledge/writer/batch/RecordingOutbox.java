package io.pledge.writer.batch;

import io.pledge.contract.event.EventType;
import io.pledge.contract.work.ComponentSet;
import io.pledge.writer.scheduling.PlacementTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** An outbox that keeps what is sent; placement records reach the table on flush, as in Kafka. */
final class RecordingOutbox implements Outbox {

  record Sent(EventType type, String subject, Object data) {}

  final List<Sent> events = new ArrayList<>();
  final List<String> deadLetters = new ArrayList<>();
  final List<ComponentSet> components = new ArrayList<>();
  private final List<Map.Entry<String, String>> placements = new ArrayList<>();
  private final PlacementTable table;

  RecordingOutbox(PlacementTable table) {
    this.table = table;
  }

  @Override
  public void status(EventType type, String subject, Object data) {
    events.add(new Sent(type, subject, data));
  }

  @Override
  public void placement(String key, String value) {
    placements.add(new java.util.AbstractMap.SimpleEntry<>(key, value));
  }

  @Override
  public void components(ComponentSet set) {
    components.add(set);
  }

  @Override
  public void deadLetter(ConsumerRecord<String, String> record, String reason) {
    deadLetters.add(reason);
  }

  @Override
  public void flush() {
    placements.forEach(e -> table.apply(e.getKey(), e.getValue()));
    placements.clear();
  }

  <T> List<T> data(EventType type, Class<T> dataClass) {
    return events.stream()
        .filter(e -> e.type() == type)
        .map(e -> dataClass.cast(e.data()))
        .toList();
  }

  List<EventType> types() {
    return events.stream().map(Sent::type).toList();
  }
}
