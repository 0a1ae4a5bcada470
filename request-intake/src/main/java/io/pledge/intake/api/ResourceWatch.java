package io.pledge.intake.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.EventCodec;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.RequestState;
import io.pledge.intake.view.StatusRenderer;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One watch stream: Server-Sent Events named {@code ADDED}, {@code MODIFIED} and {@code DELETED}
 * (Kubernetes watch types) whose data is the resource document with its status. It sends the
 * current state first, then every visible change; a view change that renders the same document
 * sends nothing. Its callers run the {@link io.pledge.intake.view.ReadBarrier} before they look up
 * the initial keys, so the first events show at least what any replica answered before.
 */
final class ResourceWatch implements Consumer<String> {

  static final String ADDED = "ADDED";
  static final String MODIFIED = "MODIFIED";
  static final String DELETED = "DELETED";

  private final IntakeView view;
  private final SseEventSink sink;
  private final Sse sse;
  private final Predicate<String> keys;
  private final Map<String, String> sent = new HashMap<>();

  private ResourceWatch(IntakeView view, SseEventSink sink, Sse sse, Predicate<String> keys) {
    this.view = view;
    this.sink = sink;
    this.sse = sse;
    this.keys = keys;
  }

  /** Starts watching the resources whose key {@code keys} accepts. */
  static void open(
      IntakeView view,
      SseEventSink sink,
      Sse sse,
      Predicate<String> keys,
      Iterable<ResourceKey> initial) {
    ResourceWatch watch = new ResourceWatch(view, sink, sse, keys);
    view.addListener(watch);
    for (ResourceKey key : initial) {
      watch.accept(key.toString());
    }
  }

  @Override
  public synchronized void accept(String key) {
    if (sink.isClosed()) {
      view.removeListener(this);
      return;
    }
    if (!keys.test(key) || !ResourceKey.isResourceKey(key)) {
      return;
    }
    ResourceKey resourceKey = ResourceKey.parse(key);
    Optional<RequestState> request =
        view.request(resourceKey).filter(r -> view.exists(resourceKey));
    String previous = sent.get(key);
    if (request.isEmpty()) {
      if (previous != null) {
        sent.remove(key);
        send(DELETED, previous);
      }
      return;
    }
    String json = json(request.get());
    if (json.equals(previous)) {
      return;
    }
    sent.put(key, json);
    send(previous == null ? ADDED : MODIFIED, json);
  }

  private String json(RequestState request) {
    try {
      return EventCodec.JSON.writeValueAsString(
          StatusRenderer.resource(request, view.status(request.key().toString()).orElse(null)));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void send(String type, String json) {
    OutboundSseEvent event =
        sse.newEventBuilder()
            .name(type)
            .mediaType(MediaType.APPLICATION_JSON_TYPE)
            .data(json)
            .build();
    sink.send(event)
        .whenComplete(
            (ignored, failure) -> {
              if (failure != null) {
                view.removeListener(this);
              }
            });
  }
}
