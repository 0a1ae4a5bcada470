package io.pledge.notifier.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.status.StatusFold;
import io.pledge.notifier.StatusEvents;
import io.pledge.notifier.delivery.Attempt;
import io.pledge.notifier.lifecycle.Lifecycle;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import io.quarkus.mailer.Mail;
import io.vertx.ext.mail.SMTPException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class EmailMessageTest {

  private static final String KEY = "default/postgresql/example";
  private final StatusEvents events = new StatusEvents(KEY);

  private static LifecycleEvent event(Lifecycle lifecycle, long generation, List<CloudEvent> seq) {
    return new LifecycleEvent(
        ResourceKey.parse(KEY), generation, lifecycle, StatusFold.foldAll(KEY, seq));
  }

  @Test
  void theMailNamesTheResourceDestinationAndCommit() {
    Mail mail =
        EmailMessage.mail(
            event(Lifecycle.RECONCILED, 1, events.reconciled(1)),
            List.of("team@example.com", "ops@example.com"),
            Optional.of("pledge@example.com"));

    assertThat(mail.getSubject())
        .startsWith("[Pledge] postgresql default/example is Reconciled (generation 1)");
    assertThat(mail.getText())
        .contains("Resource:   default/postgresql/example")
        .contains("worker-1  commit " + StatusEvents.sha(1) + "  in GitStateStore/default");
    assertThat(mail.getTo()).containsExactly("team@example.com", "ops@example.com");
    assertThat(mail.getFrom()).isEqualTo("pledge@example.com");
  }

  @Test
  void theSubjectIsOneLine() {
    assertThat(EmailMessage.oneLine("a\r\n\r\nb\u2028c \t d  e\u0000\n")).isEqualTo("a b c d  e");
  }

  @Test
  void aFailureMailCarriesTheErrorOutput() {
    assertThat(EmailMessage.body(event(Lifecycle.FAILED, 1, events.failing(1))))
        .contains("Why:        pipeline instance-configure failed: exit code 1")
        .contains("Last error output:\nboom");
  }

  @Test
  void theMessageIdIsStablePerEvent() {
    LifecycleEvent first = event(Lifecycle.RECONCILED, 1, events.reconciled(1));
    LifecycleEvent again = event(Lifecycle.RECONCILED, 1, events.reconciled(1));

    assertThat(EmailMessage.messageId(again)).isEqualTo(EmailMessage.messageId(first));
    assertThat(EmailMessage.messageId(event(Lifecycle.FAILED, 1, events.failing(1))))
        .isNotEqualTo(EmailMessage.messageId(first))
        .matches("<[0-9a-f-]{36}@pledge>");
  }

  @Test
  void smtpPermanentRepliesAreNotRetried() {
    SMTPException refused =
        new SMTPException("550 no such user", 550, List.of("no such user"), true);
    SMTPException busy = new SMTPException("421 try later", 421, List.of("try later"), false);

    assertThat(EmailNotifier.classify(new CompletionException(refused)))
        .isEqualTo(Attempt.permanent("SMTP 550: no such user"));
    assertThat(EmailNotifier.classify(new CompletionException(busy)).result())
        .isEqualTo(Attempt.Result.RETRYABLE);
    assertThat(EmailNotifier.classify(new IllegalStateException("connection refused")).result())
        .isEqualTo(Attempt.Result.RETRYABLE);
  }
}
