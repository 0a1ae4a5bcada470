package io.pledge.intake.logs;

import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.pipeline.PipelineLog;
import io.pledge.intake.kafka.TopicReplayer;

/**
 * Feeds {@code pledge.pipeline.log} events read from {@code pledge.logs} into a {@link LogStore}.
 */
public final class LogReplaySink implements TopicReplayer.Sink {

  private final LogStore store;

  public LogReplaySink(LogStore store) {
    this.store = store;
  }

  @Override
  public void event(String topic, CloudEvent event) {
    if (event.eventType().filter(EventType.PIPELINE_LOG::equals).isEmpty()) {
      return;
    }
    PipelineLog log = EventCodec.data(event, PipelineLog.class);
    String key =
        event.subject() != null
            ? event.subject()
            : log.workflow() == null ? null : log.workflow().key();
    store.add(key, event.time(), log);
  }

  @Override
  public void tombstone(String topic, String key) {
    store.remove(key);
  }
}
