package io.pledge.bench.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboxReaderTest {

  @Test
  void readsSlackTextsAndBillingCallsTheStubsAccepted(@TempDir Path inbox) throws Exception {
    Files.writeString(
        inbox.resolve("slack.jsonl"),
        "{\"path\":\"/slack/services/local\",\"idempotencyKey\":null,\"body\":{\"text\":\"bench load/bench/r-000001 reconciled generation 3\"}}\n"
            + "{\"path\":\"/slack/services/local\",\"body\":{\"text\":\"something else\"}}\n");
    Files.writeString(
        inbox.resolve("billing.jsonl"),
        "{\"path\":\"/billing/events\",\"idempotencyKey\":\"k-1\",\"body\":{\"action\":\"created\",\"generation\":3,"
            + "\"resource\":{\"key\":\"load/bench/r-000001\"}}}\n");
    Files.writeString(inbox.resolve("billing.refused.jsonl"), "{}\n{}\n");

    assertThat(InboxReader.read(inbox))
        .containsExactly(
            new Delivery("slack", "load/bench/r-000001", "reconciled", 3, null),
            new Delivery("billing", "load/bench/r-000001", "created", 3, "k-1"));
    assertThat(InboxReader.refused(inbox, "billing")).isEqualTo(2);
    assertThat(InboxReader.refused(inbox, "slack")).isZero();
  }
}
