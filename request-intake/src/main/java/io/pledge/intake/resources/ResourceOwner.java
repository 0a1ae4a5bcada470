package io.pledge.intake.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.util.RawValue;
import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.intake.apply.RequestDecider;
import io.pledge.intake.apply.RequestIntent;
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
 * The owner of the keys of one partition, and so the single writer of their requests:
 *
 * <ul>
 *   <li>folds each event of {@code pledge.requests} and {@code pledge.status} into the key's {@link
 *       ResourceRecord} ({@link ResourceFold}), keeps it in the store {@link #STORE}, and forwards
 *       the record after every event of the key as a {@code pledge.resource.folded} event;
 *   <li>decides each intent of {@code pledge.requests.intents} ({@link RequestDecider}): writes its
 *       events to {@code pledge.requests} and {@code pledge.status}, folds them into the record at
 *       once (so the next intent of the key sees them, and the folded record commits with the
 *       decision), and answers on {@code pledge.requests.decisions}. When the events come back as
 *       input they are folded again, which changes nothing: the fold keeps the newest generation.
 * </ul>
 *
 * <p>Deterministic: each output is a function of the store and the input record only. Event ids are
 * name-based UUIDs of the input's topic, partition and offset, their time the input record's
 * timestamp; no clock, no random. After an aborted transaction re-processing writes the same bytes.
 */
final class ResourceOwner implements Processor<String, String, String, String> {

  /**
   * The store of folded records, by key; its changelog is {@code <application.id>-owner-changelog}.
   */
  static final String STORE = "owner";

  /** The sinks, by name in {@link ResourceTopology}. */
  static final String RESOURCES = "resources";

  static final String REQUESTS = "requests-out";
  static final String STATUS = "status-out";
  static final String DECISIONS = "decisions";

  private static final Logger LOG = Logger.getLogger(ResourceOwner.class);

  private final String source;
  private final String intents;
  private final RequestDecider decider;
  private ProcessorContext<String, String> context;
  private KeyValueStore<String, String> store;

  /**
   * @param source the CloudEvents {@code source} of the folded records
   * @param intents the intents topic
   * @param requestSource the CloudEvents {@code source} of the request events it writes
   */
  ResourceOwner(String source, String intents, String requestSource) {
    this.source = source;
    this.intents = intents;
    this.decider = new RequestDecider(new EventCodec(requestSource));
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, String> record) {
    if (record.value() == null) {
      return; // no input is compacted: a null value means nothing here
    }
    RecordMetadata at =
        context
            .recordMetadata()
            .orElseThrow(() -> new IllegalStateException("a record without metadata"));
    if (at.topic().equals(intents)) {
      decide(record, at);
    } else {
      fold(record, at);
    }
  }

  private void fold(Record<String, String> record, RecordMetadata at) {
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
    ResourceRecord next;
    try {
      // Every event of the key moves its source offset, even one that changes nothing else: a
      // reader holding its own event on top of the record learns from it that it was folded.
      next =
          ResourceFold.apply(current(key.get()), key.get(), event)
              .withSourceOffset(at.topic(), at.offset());
    } catch (RuntimeException e) {
      // Data the fold cannot take (missing fields included): skipped, as the view's replay skips
      // it, rather than stopping the fold of every other key. Deterministic: a re-run skips it too.
      LOG.warnf("Skipping event %s of %s the fold cannot take: %s", event.type(), origin, e);
      return;
    }
    keep(key.get(), next, origin, record);
  }

  private void decide(Record<String, String> record, RecordMetadata at) {
    String origin = origin(at);
    RequestIntent intent;
    try {
      intent = EventCodec.JSON.readValue(record.value(), RequestIntent.class);
    } catch (JsonProcessingException | RuntimeException e) {
      // Nobody can be answered without its id; the sender times out and may retry.
      LOG.warnf("Skipping unreadable intent %s: %s", origin, e.getMessage());
      return;
    }
    ResourceRecord current = current(intent.key());
    RequestDecider.Result result =
        decider.decide(current, intent, origin, Instant.ofEpochMilli(record.timestamp()));
    ResourceRecord next = current;
    for (CloudEvent event : result.events()) {
      // By the type's topic (EventType): request.accepted is a status event, the rest requests.
      boolean status =
          event.eventType().map(EventType::topic).filter(Topics.STATUS::equals).isPresent();
      String sink = status ? STATUS : REQUESTS;
      context.forward(
          new Record<>(intent.key(), EventCodec.write(event), record.timestamp(), record.headers()),
          sink);
      next = ResourceFold.apply(next, intent.key(), event);
    }
    if (next != current) {
      keep(intent.key(), next, origin, record);
    }
    context.forward(
        new Record<>(intent.key(), write(result.decision()), record.timestamp()), DECISIONS);
    // A replica waits for this decision, which its read_committed consumer sees only once the
    // transaction commits: commit after this loop iteration instead of at the next interval.
    context.commit();
  }

  private ResourceRecord current(String key) {
    String stored = store.get(key);
    return stored == null ? null : read(stored);
  }

  /** Stores the key's record and publishes it as a folded event whose id derives from origin. */
  private void keep(String key, ResourceRecord next, String origin, Record<String, String> input) {
    String json = write(next);
    store.put(key, json);
    CloudEvent folded =
        new CloudEvent(
            CloudEvent.SPEC_VERSION,
            UUID.nameUUIDFromBytes(origin.getBytes(StandardCharsets.UTF_8)).toString(),
            source,
            EventType.RESOURCE_FOLDED.type(),
            key,
            Instant.ofEpochMilli(input.timestamp()),
            CloudEvent.JSON,
            EventType.RESOURCE_FOLDED.dataschema(),
            null,
            // The record's JSON as it is, not serialised a second and third time through a tree:
            // the record is the owner's largest cost per event.
            EventCodec.JSON.getNodeFactory().rawValueNode(new RawValue(json)));
    context.forward(new Record<>(key, EventCodec.write(folded), input.timestamp()), RESOURCES);
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

  static String write(Object value) {
    try {
      return EventCodec.JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
