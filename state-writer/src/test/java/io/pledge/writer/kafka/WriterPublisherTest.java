package io.pledge.writer.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.work.Work;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.scheduling.RememberedWork;
import io.pledge.writer.telemetry.WriterTelemetry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The publisher against the real broker. */
class WriterPublisherTest {

  @Test
  void aPlacementRecordIsInTheTableWhenTheFlushReturnsWithoutBeingReadBack() {
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String placements = "placements." + suffix;
    String status = "status." + suffix;
    kafka.createTopics(List.of(placements, status), Set.of(placements));
    PlacementTable table = new PlacementTable();
    Work work =
        new Work(
            "default/postgresql/a",
            Work.RESOURCE,
            "postgresql",
            "default",
            "a",
            "configure",
            1,
            List.of());
    RememberedWork remembered = new RememberedWork(RememberedWork.PENDING, work);
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");

    // Nothing follows the placements topic here: the table learns from the acknowledgement.
    try (WriterPublisher publisher =
        new WriterPublisher(props, status, placements, table, WriterTelemetry.NONE)) {
      publisher.placement(remembered.recordKey(), PlacementTable.json(remembered));
      assertThat(table.remembered(work.identity())).isEmpty();

      publisher.flush();

      assertThat(table.remembered(work.identity())).contains(remembered);
    }
  }
}
