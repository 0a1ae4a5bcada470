package io.pledge.notifier.email;

import io.pledge.contract.work.Placement;
import io.pledge.notifier.delivery.Notification;
import io.pledge.notifier.lifecycle.Lifecycle;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import io.pledge.notifier.lifecycle.LifecycleText;
import io.quarkus.mailer.Mail;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The e-mail for a lifecycle event: subject, plain-text body, and a stable Message-ID.
 *
 * <p>The subject is one line: a run of line breaks and other control characters, with the blanks
 * around it, becomes one space. A policy's subject template may carry a request's spec value, and
 * the mail client writes an ASCII subject as it is: an LF in it would start a header of the
 * requester's choosing, or end the headers and push the rest of them into the body. (Other control
 * characters get the subject encoded, its line breaks dropped and the words around them joined.)
 */
public final class EmailMessage {

  private static final Pattern BLANKS = Pattern.compile("[\\s\\p{Cc}\\p{Zl}\\p{Zp}]+");

  private EmailMessage() {}

  /**
   * The same for every attempt and every notifier replica: a mail client or archive that sees it
   * twice (the notifier's crash window) can tell it is one message.
   */
  public static String messageId(LifecycleEvent event) {
    return messageId(Notification.of(event));
  }

  /** As {@link #messageId(LifecycleEvent)}, per (key, generation, event id). */
  public static String messageId(Notification n) {
    String name =
        "pledge-email:" + n.about().key() + "#" + n.about().generation() + "#" + n.event();
    return "<" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)) + "@pledge>";
  }

  public static String subject(LifecycleEvent event) {
    return "[Pledge] " + LifecycleText.summary(event);
  }

  /** {@code subject} on one line, as the class comment says. */
  static String oneLine(String subject) {
    // Linear, unlike a pattern that looks for blanks before a control character.
    return BLANKS
        .matcher(subject)
        .replaceAll(m -> m.group().chars().allMatch(c -> c == ' ') ? m.group() : " ")
        .strip();
  }

  public static String body(LifecycleEvent event) {
    StringBuilder text = new StringBuilder(LifecycleText.summary(event)).append("\n\n");
    text.append("Resource:   ").append(event.key()).append('\n');
    text.append("Generation: ").append(event.generation()).append('\n');
    text.append("Event:      ").append(event.lifecycle().id()).append('\n');
    if (event.status().requester() != null) {
      text.append("Requester:  ").append(event.status().requester()).append('\n');
    }
    if (event.lifecycle() == Lifecycle.FAILED) {
      text.append("Why:        ").append(LifecycleText.why(event.status())).append('\n');
      if (event.status().lastFailure() != null
          && event.status().lastFailure().stderrTail() != null) {
        text.append("\nLast error output:\n")
            .append(event.status().lastFailure().stderrTail())
            .append('\n');
      }
    }
    List<Placement> placements = LifecycleText.distinctPlacements(event.status());
    if (!placements.isEmpty()) {
      text.append("\nDestinations:\n");
      for (Placement p : placements) {
        text.append("  ")
            .append(p.destination())
            .append(p.version() == null ? "" : "  commit " + p.version())
            .append(p.stateStore() == null ? "" : "  in " + p.stateStore())
            .append('\n');
      }
    }
    return text.toString();
  }

  public static Mail mail(LifecycleEvent event, List<String> to, Optional<String> from) {
    return mail(Notification.of(event), to, from);
  }

  /**
   * The rule's subject and text where it has them, else the built-in ones; {@code to} are the
   * recipients (already resolved: the rule's or the configured ones).
   */
  public static Mail mail(Notification n, List<String> to, Optional<String> from) {
    String subject = oneLine(n.subject().orElseGet(() -> subject(n.about())));
    String body = n.text().orElseGet(() -> body(n.about()));
    Mail mail = Mail.withText(to.get(0), subject, body).setTo(List.copyOf(to));
    from.ifPresent(mail::setFrom);
    return mail.addHeader("Message-ID", messageId(n));
  }
}
