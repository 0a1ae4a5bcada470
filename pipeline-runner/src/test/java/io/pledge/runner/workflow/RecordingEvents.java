package io.pledge.runner.workflow;

import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventSchemas;
import io.pledge.contract.event.EventType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Keeps what a workflow publishes; checks each event against its JSON Schema. */
final class RecordingEvents implements WorkflowEvents {

  final List<CloudEvent> events = new CopyOnWriteArrayList<>();
  private final EventCodec codec = new EventCodec("/pledge/pipeline-runner");
  Function<EventType, Throwable> failure = t -> null;

  @Override
  public CompletableFuture<Void> publish(EventType type, String subject, Object data) {
    CloudEvent event = codec.event(type, subject, data);
    List<String> violations = EventSchemas.violations(event);
    if (!violations.isEmpty()) {
      throw new AssertionError(type + " violates its schema: " + violations);
    }
    Throwable fail = failure.apply(type);
    if (fail != null) {
      return CompletableFuture.failedFuture(fail);
    }
    events.add(event);
    return CompletableFuture.completedFuture(null);
  }

  List<String> types() {
    return events.stream().map(CloudEvent::type).toList();
  }

  List<String> statusTypes() {
    return events.stream()
        .map(CloudEvent::type)
        .filter(t -> !t.equals(EventType.PIPELINE_LOG.type()))
        .toList();
  }

  <T> List<T> data(EventType type, Class<T> dataClass) {
    return events.stream()
        .filter(e -> e.type().equals(type.type()))
        .map(e -> EventCodec.data(e, dataClass))
        .toList();
  }
}
