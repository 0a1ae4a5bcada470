package io.pledge.notifier.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.util.GreenMail;
import io.pledge.contract.notification.NotificationDelivered;
import io.pledge.notifier.StatusEvents;
import io.pledge.notifier.email.SmtpStub;
import io.pledge.notifier.email.SmtpStubResource;
import io.pledge.notifier.slack.SlackStub;
import io.pledge.notifier.slack.SlackStubResource;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(SlackStubResource.class)
@QuarkusTestResource(value = SmtpStubResource.class, restrictToAnnotatedClass = true)
class EmailNotificationTest {

  @SlackStub WireMockServer slack;
  @SmtpStub GreenMail smtp;

  private StatusProbe probe;

  @BeforeEach
  void openProbe() {
    probe = new StatusProbe(slack);
  }

  @AfterEach
  void closeProbe() {
    probe.close();
  }

  private List<MimeMessage> mails(String subject) {
    return Arrays.stream(smtp.getReceivedMessages())
        .filter(
            m -> {
              try {
                return m.getSubject().contains(subject);
              } catch (MessagingException e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }

  @Test
  void mailsTheTeamOnceWhenTheResourceIsReconciled() throws Exception {
    StatusEvents mailed = new StatusEvents("default/postgresql/mailed");

    probe.publish(mailed.reconciled(1));

    NotificationDelivered sent =
        probe.awaitOutcome(mailed.key(), "reconciled", "email", NotificationDelivered.SENT);
    assertThat(sent.detail()).isEqualTo("accepted by the SMTP server");
    MimeMessage mail = mails("default/mailed is Reconciled (generation 1)").get(0);
    assertThat(mail.getAllRecipients()[0].toString()).isEqualTo(SmtpStubResource.TO);
    assertThat(mail.getFrom()[0].toString()).isEqualTo("pledge@example.com");
    assertThat((String) mail.getContent()).contains("worker-1  commit " + StatusEvents.sha(1));
    assertThat(mail.getMessageID()).matches("<[0-9a-f-]{36}@pledge>");

    probe.publish(mailed.reconciled(1)); // redelivered
    probe.publish(mailed.failing(2));
    probe.awaitOutcome(mailed.key(), "failed", "email", NotificationDelivered.SENT);

    assertThat(mails("default/mailed is Reconciled")).hasSize(1);
    assertThat(mails("default/mailed is Failing (generation 2)")).hasSize(1);
    assertThat(probe.outcomes(mailed.key(), "reconciled", "email")).containsExactly(sent);
  }
}
