package io.pledge.bench.chaos;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.bench.load.InboundPublisher;
import io.pledge.bench.load.PlannedRequest;
import io.pledge.bench.load.RequestDocuments;
import io.pledge.bench.load.Via;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The chaos {@code poison} fault: inbound records another system might send by mistake, in the
 * middle of the load. One CloudEvent holding {@link #DOCUMENTS} Benchmark documents (far over the
 * per-body document limit: it must be refused as a whole, with a rejection correlated to its id,
 * without holding up the events behind it) and one record that is not a CloudEvent at all (it must
 * go to the dead-letter topic). The load's own verification then shows that nothing behind them was
 * lost or held up.
 */
public final class PoisonEvents {

  /** As many documents as the event that once stalled the inbound topic for seven minutes. */
  public static final int DOCUMENTS = 5_000;

  private final InboundPublisher publisher;
  private final List<String> oversizedIds = new ArrayList<>();

  public PoisonEvents(InboundPublisher publisher) {
    this.publisher = publisher;
  }

  /** Sends both poison records; returns the id of the oversized event. */
  public String send() throws Exception {
    String id = UUID.randomUUID().toString();
    publisher.sendRaw("poison/" + id, EventCodec.write(oversized(id)));
    publisher.sendRaw("poison/" + id, "{\"this is\": \"not a CloudEvent\"");
    synchronized (oversizedIds) {
      oversizedIds.add(id);
    }
    return id;
  }

  /** The ids of the oversized events sent so far. */
  public List<String> oversizedIds() {
    synchronized (oversizedIds) {
      return List.copyOf(oversizedIds);
    }
  }

  static CloudEvent oversized(String id) {
    ArrayNode documents = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i < DOCUMENTS; i++) {
      ObjectNode doc =
          RequestDocuments.of(
              new PlannedRequest(i, null, String.format("poison-%04d", i), Via.INBOUND, 0, i), 0);
      documents.add(doc);
    }
    return new CloudEvent(
        CloudEvent.SPEC_VERSION,
        id,
        InboundPublisher.SOURCE,
        InboundPublisher.TYPE,
        "poison",
        Instant.now(),
        CloudEvent.JSON,
        null,
        null,
        documents);
  }
}
