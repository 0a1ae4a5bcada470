package io.pledge.intake.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.intake.view.ResourceFold;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

/**
 * The owner of the keys of one partition: folds each event of {@code pledge.requests} and {@code
 * pledge.status} into the key's {@link ResourceRecord} ({@link ResourceFold}), keeps it in the
 * store {@link #STORE}, and forwards the record after every event of the key as a {@code
 * pledge.resource.folded} event.
 *
 * <p>Deterministic: each output is a function of the store and the input record only. The event id
 * is a name-based UUID of the input's topic, partition and offset, its time the input record's
 * timestamp; no clock, no random. After an aborted transaction re-processing writes the same bytes.
 */
final class ResourceOwner implements Processor<String, String, String, String> {

  /**
   * The store of folded records, by key; its changelog is {@code <application.id>-owner-changelog}.
   */
  static final String STORE = "owner";

  private static final Logger LOG = Logger.getLogger(ResourceOwner.class);

  private final String source;
  private ProcessorContext<String, String> context;
  private KeyValueStore<String, String> store;

  /**
   * @param source the CloudEvents {@code source} of the folded records
   */
  ResourceOwner(String source) {
    this.source = source;
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, String> record) {
    if (record.value() == null) {
      return; // neither input is compacted: a null value means nothing here
    }
    RecordMetadata at =
        context
            .recordMetadata()
            .orElseThrow(() -> new IllegalStateException("a record without metadata"));
    String origin = origin(at);
    CloudEvent event;
    Optional<String> key;
    try {
      event = EventCodec.read(record.value());
      key = ResourceFold.keyOf(event);
    } catch (RuntimeException e) {
      // The view's replay skips it the same way; a dead letter would add nothing.
      LOG.warnf("Skipping unreadable record %s: %s", origin, e.getMessage());
      return;
    }
    if (key.isEmpty()) {
      return;
    }
    String stored = store.get(key.get());
    ResourceRecord current = stored == null ? null : read(stored);
    ResourceRecord next;
    try {
      // Every event of the key moves its source offset, even one that changes nothing else: a
      // reader holding its own event on top of the record learns from it that it was folded.
      next =
          ResourceFold.apply(current, key.get(), event).withSourceOffset(at.topic(), at.offset());
    } catch (RuntimeException e) {
      // Data the fold cannot take (missing fields included): skipped, as the view's replay skips
      // it, rather than stopping the fold of every other key. Deterministic: a re-run skips it too.
      LOG.warnf("Skipping event %s of %s the fold cannot take: %s", event.type(), origin, e);
      return;
    }
    store.put(key.get(), write(next));
    CloudEvent folded =
        new CloudEvent(
            CloudEvent.SPEC_VERSION,
            UUID.nameUUIDFromBytes(origin.getBytes(StandardCharsets.UTF_8)).toString(),
            source,
            EventType.RESOURCE_FOLDED.type(),
            key.get(),
            Instant.ofEpochMilli(record.timestamp()),
            CloudEvent.JSON,
            EventType.RESOURCE_FOLDED.dataschema(),
            null,
            EventCodec.JSON.valueToTree(next));
    context.forward(new Record<>(key.get(), EventCodec.write(folded), record.timestamp()));
  }

  /** {@code <topic>-<partition>@<offset>} of a record. */
  private static String origin(RecordMetadata m) {
    return m.topic() + "-" + m.partition() + "@" + m.offset();
  }

  static ResourceRecord read(String json) {
    try {
      return EventCodec.JSON.readValue(json, ResourceRecord.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the owner store holds an unreadable record", e);
    }
  }

  static String write(ResourceRecord record) {
    try {
      return EventCodec.JSON.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
