package io.pledge.kafka.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterHeadersTest {

  @Test
  void namesAreTheOnesSmallRyesDeadLetterQueueWrites() {
    // The services' READMEs, the bench's poison check and operators' tools read these names.
    assertThat(
            List.of(
                DeadLetterHeaders.REASON,
                DeadLetterHeaders.TOPIC,
                DeadLetterHeaders.PARTITION,
                DeadLetterHeaders.OFFSET))
        .containsExactly(
            "dead-letter-reason",
            "dead-letter-topic",
            "dead-letter-partition",
            "dead-letter-offset");
  }

  @Test
  void saysWhereTheRecordWasReadAndWhy() {
    ConsumerRecord<String, String> poison =
        new ConsumerRecord<>("pledge.works", 3, 1234L, "default/postgres/a", "{not json");

    Headers headers =
        DeadLetterHeaders.add(
            new RecordHeaders(), poison, "not a CloudEvent: Unexpected character");

    assertThat(text(headers, "dead-letter-reason"))
        .isEqualTo("not a CloudEvent: Unexpected character");
    assertThat(text(headers, "dead-letter-topic")).isEqualTo("pledge.works");
    assertThat(text(headers, "dead-letter-partition")).isEqualTo("3");
    assertThat(text(headers, "dead-letter-offset")).isEqualTo("1234");
  }

  @Test
  void keepsTheHeadersAlreadyThereFirst() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes());

    DeadLetterHeaders.add(headers, "HTTP 400", "pledge.status", 0, 7L);

    assertThat(Arrays.stream(headers.toArray()).map(Header::key))
        .containsExactly(
            "traceparent",
            "dead-letter-reason",
            "dead-letter-topic",
            "dead-letter-partition",
            "dead-letter-offset");
  }

  @Test
  void writesAMissingReasonEmpty() {
    Headers headers = DeadLetterHeaders.add(new RecordHeaders(), null, "pledge.promises", 1, 0L);

    assertThat(text(headers, "dead-letter-reason")).isEmpty();
  }

  private static String text(Headers headers, String name) {
    return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
