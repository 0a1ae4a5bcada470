package io.pledge.notifier.status;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.util.GreenMail;
import io.pledge.contract.Topics;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.notification.NotificationDelivered;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.contract.notification.NotificationPolicyDeleted;
import io.pledge.notifier.StatusEvents;
import io.pledge.notifier.email.SmtpStub;
import io.pledge.notifier.email.SmtpStubResource;
import io.pledge.notifier.slack.SlackStub;
import io.pledge.notifier.slack.SlackStubResource;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A NotificationPolicy applied on pledge.policies drives what is sent for its Promise: templated
 * Slack text to the webhook in its secret, e-mail to an address made from the request's spec. Uses
 * Promise {@code mysql}, so the policy does not touch the other tests' {@code postgresql}.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(SlackStubResource.class)
@QuarkusTestResource(value = SmtpStubResource.class, restrictToAnnotatedClass = true)
class PolicyNotificationTest {

  private static final String HOOK_PATH = "/services/T0000/B1111/mysql-hook";
  private static final EventCodec INTAKE = new EventCodec("/pledge/request-intake");

  @SlackStub WireMockServer slack;
  @SmtpStub GreenMail smtp;

  private StatusProbe probe;
  private EventProbe tables;

  @BeforeEach
  void open() throws Exception {
    probe = new StatusProbe(slack);
    tables =
        new EventProbe(
            ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
            Topics.POLICIES);
    slack.stubFor(post(urlEqualTo(HOOK_PATH)).willReturn(aResponse().withStatus(200)));
    Path secret = Path.of("target/test-secrets/platform/mysql-slack/url");
    Files.createDirectories(secret.getParent());
    Files.writeString(secret, slack.baseUrl() + HOOK_PATH + "\n");
    applyPolicy(
        """
        apiVersion: pledge.io/v1alpha1
        kind: NotificationPolicy
        metadata: {name: mysql}
        spec:
          promise: mysql
          rules:
            - events: [reconciled, failed]
              channel: slack
              webhookSecretRef: {name: mysql-slack, namespace: platform}
              template: "{resource.promise} {resource.namespace}/{resource.name} is {event}\
         (size {resource.spec.size}, {#for d in destinations}{d.name}@{d.shortCommit}{/for})"
            - events: [reconciled]
              channel: email
              to: "{resource.spec.requester}@example.com"
              subject: "Your {resource.promise} {resource.name} is ready"
              template: "Hello {resource.spec.requester}, {resource.name} runs at {commit}."
        """);
  }

  @AfterEach
  void close() {
    tables.publish(
        Topics.POLICIES,
        INTAKE.event(
            EventType.NOTIFICATION_POLICY_DELETED,
            "mysql",
            new NotificationPolicyDeleted("mysql")));
    tables.close();
    probe.close();
  }

  private void applyPolicy(String yaml) throws Exception {
    JsonNode doc = new YAMLMapper().readTree(yaml);
    tables.publish(
        Topics.POLICIES,
        INTAKE.event(
            EventType.NOTIFICATION_POLICY_APPLIED,
            "mysql",
            new NotificationPolicyApplied("mysql", 1, doc)));
  }

  private List<LoggedRequest> hookPosts(String text) {
    return slack.findAll(postRequestedFor(urlEqualTo(HOOK_PATH)).withRequestBody(containing(text)));
  }

  private List<MimeMessage> mailsTo(String address) {
    return Arrays.stream(smtp.getReceivedMessages())
        .filter(
            m -> {
              try {
                return Arrays.stream(m.getRecipients(Message.RecipientType.TO))
                    .anyMatch(a -> a.toString().equals(address));
              } catch (MessagingException e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }

  @Test
  void thePromisesPolicyTemplatesTheSlackTextAndTheRecipient() throws Exception {
    StatusEvents db = new StatusEvents("default/mysql/orders");
    tables.publish(
        Topics.REQUESTS,
        db.applied(1, new YAMLMapper().readTree("{size: small, requester: dana, dbName: orders}")));

    probe.publish(db.reconciled(1));

    probe.awaitOutcome(db.key(), "reconciled", "slack", NotificationDelivered.SENT);
    NotificationDelivered mailed =
        probe.awaitOutcome(db.key(), "reconciled", "email", NotificationDelivered.SENT);
    assertThat(mailed.detail()).isEqualTo("accepted by the SMTP server");
    assertThat(
            hookPosts(
                "\"text\":\"mysql default/orders is reconciled (size small, worker-1@"
                    + StatusEvents.sha(1).substring(0, 7)
                    + ")\""))
        .hasSize(1);
    // The configured webhook and recipients are not used for a Promise with a policy.
    assertThat(probe.posts("default/orders")).isEmpty();
    MimeMessage mail = mailsTo("dana@example.com").get(0);
    assertThat(mail.getSubject()).isEqualTo("Your mysql orders is ready");
    assertThat(((String) mail.getContent()).strip())
        .isEqualTo("Hello dana, orders runs at " + StatusEvents.sha(1) + ".");
    assertThat(mailsTo(SmtpStubResource.TO)).isEmpty();

    probe.publish(db.reconciled(1)); // redelivered
    probe.publish(db.failing(2));
    probe.awaitOutcome(db.key(), "failed", "slack", NotificationDelivered.SENT);

    assertThat(hookPosts("mysql default/orders is reconciled")).hasSize(1);
    assertThat(hookPosts("mysql default/orders is failed (size small")).hasSize(1);
    assertThat(mailsTo("dana@example.com")).hasSize(1); // e-mail is for reconciled only
  }

  @Test
  void aPipelineAsksForNotificationsThatAreSentOnce() throws Exception {
    StatusEvents db = new StatusEvents("default/mysql/asked");
    JsonNode asked =
        new YAMLMapper()
            .readTree(
                """
                - {channel: slack, message: "backups scheduled for asked"}
                - {channel: email, to: "dba@example.com", message: "asked needs a DBA review"}
                """);

    probe.publish(List.of(db.accepted(1), db.started(1), db.succeeded(1, asked)));
    probe.publish(List.of(db.succeeded(1, asked))); // redelivered

    probe.awaitOutcome(
        db.key(), "pipeline:" + StatusEvents.PIPELINE + ":0", "slack", NotificationDelivered.SENT);
    probe.awaitOutcome(
        db.key(), "pipeline:" + StatusEvents.PIPELINE + ":1", "email", NotificationDelivered.SENT);
    // A later record of the same key is processed after the redelivered one. No request
    // document was published: the policy's templates name spec fields, so the reconcile is
    // reported as failed, with the reason, and not sent.
    probe.publish(List.of(db.completed(1), db.scheduled(1), db.committed(1)));
    NotificationDelivered notSent =
        probe.awaitOutcome(db.key(), "reconciled", "slack", NotificationDelivered.FAILED);
    assertThat(notSent.detail()).startsWith("NotificationPolicy/mysql (slack): template error");
    assertThat(hookPosts("default/asked is reconciled")).isEmpty();

    assertThat(hookPosts("backups scheduled for asked")).hasSize(1);
    assertThat(mailsTo("dba@example.com"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getSubject()).contains("mysql default/asked: asked needs a DBA review");
              assertThat(((String) m.getContent()).strip()).isEqualTo("asked needs a DBA review");
            });
  }
}
