package io.pledge.notifier.ledger;

import io.pledge.notifier.delivery.Delivery;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The notifications already sent, as replayed from the compacted delivered topic and added to as
 * this instance sends. A record's presence means "sent"; a tombstone forgets it.
 */
public final class DeliveryLedger {

  private final Set<String> sent = ConcurrentHashMap.newKeySet();

  public boolean wasSent(Delivery delivery) {
    return sent.contains(delivery.ledgerKey());
  }

  public void recordSent(Delivery delivery) {
    sent.add(delivery.ledgerKey());
  }

  /** Applies one record of the delivered topic. */
  public void apply(String ledgerKey, String value) {
    if (ledgerKey == null) {
      return;
    }
    if (value == null) {
      sent.remove(ledgerKey);
    } else {
      sent.add(ledgerKey);
    }
  }

  public int size() {
    return sent.size();
  }
}
