package io.pledge.notifier.ledger;

import io.pledge.notifier.table.TableReader;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Reads the delivered topic into a {@link DeliveryLedger}: every partition, from the beginning, up
 * to its end as of each call of {@link #catchUp}. The consumer must be read_committed, so records
 * of an aborted delivery transaction never count as sent.
 */
public final class LedgerReader {

  private final TableReader reader;

  public LedgerReader(Consumer<String, String> consumer, String topic) {
    this.reader = new TableReader(consumer, topic);
  }

  /**
   * Reads until every partition's position reaches the end offset seen at the start of the call.
   *
   * @return false when {@code running} turned false before that
   */
  public boolean catchUp(DeliveryLedger ledger, BooleanSupplier running) {
    return reader.catchUp(r -> ledger.apply(r.key(), r.value()), running);
  }
}
