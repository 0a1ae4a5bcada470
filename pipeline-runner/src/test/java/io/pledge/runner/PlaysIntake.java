package io.pledge.runner;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.contract.request.RequestApplied;
import io.pledge.testkit.kafka.EventProbe;

/**
 * Plays request-intake for the runner's tests: publishes Promises and requests on the topics the
 * runner reads, as intake's events.
 */
public final class PlaysIntake {

  private static final EventCodec INTAKE = new EventCodec("/pledge/request-intake");

  private final EventProbe probe;

  public PlaysIntake(EventProbe probe) {
    this.probe = probe;
  }

  /** Publishes generation {@code generation} of the Promise {@code name}. */
  public void promise(String name, long generation, JsonNode document) {
    probe.publish(
        Topics.PROMISES,
        event(EventType.PROMISE_APPLIED, name, new PromiseApplied(name, generation, document)));
  }

  /** Publishes generation {@code generation} of the request {@code key}. */
  public void request(ResourceKey key, long generation, String specHash, JsonNode resource) {
    probe.publish(
        Topics.REQUESTS,
        event(
            EventType.REQUEST_APPLIED,
            key.toString(),
            new RequestApplied(key, generation, specHash, resource)));
  }

  /** An event as intake makes it, for a test that publishes it itself. */
  public static CloudEvent event(EventType type, String subject, Object data) {
    return INTAKE.event(type, subject, data);
  }
}
