package io.pledge.notifier.email;

import io.pledge.notifier.delivery.Attempt;
import io.pledge.notifier.delivery.Notification;
import io.pledge.notifier.delivery.Notifier;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.TimeoutException;
import io.vertx.ext.mail.SMTPException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Mails lifecycle events through the Quarkus mailer ({@code quarkus.mailer.*} names the SMTP
 * server). It waits for the server's answer on the notifier's own thread, never an event loop.
 */
public final class EmailNotifier implements Notifier {

  public static final String CHANNEL = "email";

  private final ReactiveMailer mailer;
  private final List<String> to;
  private final Optional<String> from;
  private final Duration timeout;

  /**
   * @param to the configured recipients, used when a notification names none (may be empty)
   */
  public EmailNotifier(
      ReactiveMailer mailer, List<String> to, Optional<String> from, Duration timeout) {
    this.mailer = mailer;
    this.to = List.copyOf(to);
    this.from = from;
    this.timeout = timeout;
  }

  @Override
  public String channel() {
    return CHANNEL;
  }

  @Override
  public Attempt attempt(Notification notification) {
    List<String> recipients = notification.to().isEmpty() ? to : notification.to();
    if (recipients.isEmpty()) {
      return Attempt.permanent("no recipient: none in the rule, none configured");
    }
    try {
      mailer.send(EmailMessage.mail(notification, recipients, from)).await().atMost(timeout);
      return Attempt.sent("accepted by the SMTP server");
    } catch (TimeoutException e) {
      return Attempt.retryable("timed out after " + timeout.toMillis() + " ms");
    } catch (RuntimeException e) {
      return classify(e);
    }
  }

  /** An SMTP 5xx reply is permanent (bad address, refused); anything else may pass later. */
  static Attempt classify(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SMTPException smtp) {
        String detail = "SMTP " + smtp.getReplyCode() + ": " + smtp.getReplyMessage();
        return smtp.isPermanent() ? Attempt.permanent(detail) : Attempt.retryable(detail);
      }
    }
    return Attempt.retryable("SMTP failed: " + failure.getClass().getSimpleName());
  }
}
