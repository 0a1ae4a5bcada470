package io.pledge.notifier.delivery;

/** A channel that tells someone about lifecycle events: Slack, e-mail, billing. */
public interface Notifier {

  /**
   * The channel's name in events and ledger keys: {@code slack}, {@code email}, {@code billing}.
   */
  String channel();

  /**
   * Tries once to deliver {@code notification}. Blocking; never throws for a delivery problem,
   * which is reported in the returned attempt.
   *
   * @throws InterruptedException when the service is stopping
   */
  Attempt attempt(Notification notification) throws InterruptedException;
}
