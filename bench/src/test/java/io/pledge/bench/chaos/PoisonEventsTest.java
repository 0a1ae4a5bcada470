package io.pledge.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PoisonEventsTest {

  @Test
  void theOversizedEventIsAValidCloudEventHoldingFiveThousandDistinctRequests() {
    CloudEvent event = EventCodec.read(EventCodec.write(PoisonEvents.oversized("id-1")));

    assertThat(event.id()).isEqualTo("id-1");
    assertThat(event.data().isArray()).isTrue();
    assertThat(event.data()).hasSize(PoisonEvents.DOCUMENTS);
    Set<String> names = new HashSet<>();
    for (JsonNode doc : event.data()) {
      assertThat(doc.path("kind").asText()).isEqualTo("Benchmark");
      assertThat(doc.path("metadata").path("namespace").asText()).isEqualTo("load");
      names.add(doc.path("metadata").path("name").asText());
    }
    assertThat(names).hasSize(PoisonEvents.DOCUMENTS).allMatch(n -> n.startsWith("poison-"));
  }
}
