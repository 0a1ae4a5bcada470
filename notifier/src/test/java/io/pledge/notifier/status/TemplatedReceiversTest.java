package io.pledge.notifier.status;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
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
import io.pledge.notifier.billing.BillingStub;
import io.pledge.notifier.billing.BillingStubResource;
import io.pledge.notifier.email.SmtpStub;
import io.pledge.notifier.email.SmtpStubResource;
import io.pledge.notifier.slack.SlackStub;
import io.pledge.notifier.slack.SlackStubResource;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.pledge.testkit.metrics.PrometheusScrape;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Receivers built from a NotificationPolicy's templates (e-mail recipients, the Slack channel, the
 * billing URL) are parsed before templating: a request's spec value fills one receiver and cannot
 * add another or change where a call goes; in an e-mail subject it stays on the one header line.
 * Against GreenMail and the WireMock Slack and billing stubs; Promise {@code redis}, so the policy
 * touches no other test's resources.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(SlackStubResource.class)
@QuarkusTestResource(value = SmtpStubResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = BillingStubResource.class, restrictToAnnotatedClass = true)
class TemplatedReceiversTest {

  private static final EventCodec INTAKE = new EventCodec("/pledge/request-intake");
  private static final String ATTACKER = "attacker@evil.example";
  private static final Map<String, String> EMAIL_FAILED =
      Map.of("channel", "email", "outcome", "failed");

  @SlackStub WireMockServer slack;
  @SmtpStub GreenMail smtp;
  @BillingStub WireMockServer billing;

  private StatusProbe probe;
  private EventProbe tables;

  @BeforeEach
  void open() throws Exception {
    probe = new StatusProbe(slack);
    tables =
        new EventProbe(
            ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
            Topics.POLICIES);
    billing.stubFor(post(anyUrl()).atPriority(20).willReturn(aResponse().withStatus(201)));
    applyPolicy(
        """
        apiVersion: pledge.io/v1alpha1
        kind: NotificationPolicy
        metadata: {name: redis}
        spec:
          promise: redis
          rules:
            - events: [reconciled]
              channel: email
              to: "{resource.spec.requester}@example.com, dba@example.com"
            - events: [reconciled]
              channel: slack
              to: "#team-{resource.spec.team}"
            - events: [created]
              channel: billing
              url: "%s/v1/tenants/{resource.spec.team}/usage?plan={resource.spec.plan ?: 'basic'}"
        """
            .formatted(billing.baseUrl()));
  }

  @AfterEach
  void close() {
    tables.publish(
        Topics.POLICIES,
        INTAKE.event(
            EventType.NOTIFICATION_POLICY_DELETED,
            "redis",
            new NotificationPolicyDeleted("redis")));
    tables.close();
    probe.close();
  }

  private void applyPolicy(String yaml) throws Exception {
    JsonNode doc = new YAMLMapper().readTree(yaml);
    tables.publish(
        Topics.POLICIES,
        INTAKE.event(
            EventType.NOTIFICATION_POLICY_APPLIED,
            "redis",
            new NotificationPolicyApplied("redis", 1, doc)));
  }

  /** Publishes the request document, then its reconcile (which is also its creation). */
  private StatusEvents reconciled(String key, String spec) throws Exception {
    StatusEvents db = new StatusEvents(key);
    tables.publish(Topics.REQUESTS, db.applied(1, new YAMLMapper().readTree(spec)));
    probe.publish(db.reconciled(1));
    return db;
  }

  @Test
  void aRequesterWithACommaMailsNobody() throws Exception {
    double failedBefore = scrape().value(NotifierMetricsTest.NOTIFICATIONS, EMAIL_FAILED);

    StatusEvents db =
        reconciled("default/redis/injected", "{requester: 'attacker@evil.example,victim'}");

    NotificationDelivered failed =
        probe.awaitOutcome(db.key(), "reconciled", "email", NotificationDelivered.FAILED);
    assertThat(failed.detail())
        .startsWith("NotificationPolicy/redis (email): to entry 1")
        .contains("not one e-mail address");
    // Dead-lettered like any notification given up on, with the same reason.
    ConsumerRecord<String, String> dead = probe.awaitRecord(StatusProbe.DEAD_LETTERS, db.key());
    assertThat(StatusProbe.header(dead, "dead-letter-reason")).isEqualTo(failed.detail());
    Awaitility.await()
        .atMost(StatusProbe.TIMEOUT)
        .until(
            () ->
                scrape().value(NotifierMetricsTest.NOTIFICATIONS, EMAIL_FAILED)
                    >= failedBefore + 1);
    // GreenMail holds a message before the notifier hears it was accepted: none came.
    assertThat(mailsTo(ATTACKER)).isEmpty();
    // No partial send: the valid entry (dba@) got nothing either.
    assertThat(mailsAbout("redis default/injected")).isEmpty();
    assertThat(probe.outcomes(db.key(), "reconciled", "email"))
        .extracting(NotificationDelivered::outcome)
        .containsOnly(NotificationDelivered.FAILED);
  }

  @Test
  void aPlainRequesterIsMailedWithTheOtherEntries() throws Exception {
    StatusEvents db = reconciled("default/redis/plain", "{requester: dana, team: data}");

    probe.awaitOutcome(db.key(), "reconciled", "email", NotificationDelivered.SENT);
    // GreenMail keeps a copy per recipient: one message, to both.
    List<MimeMessage> copies = mailsAbout("redis default/plain");
    assertThat(copies).hasSize(2);
    assertThat(copies)
        .extracting(m -> header(m, "Message-ID"))
        .containsOnly(header(copies.get(0), "Message-ID"));
    assertThat(recipients(copies.get(0)))
        .containsExactlyInAnyOrder("dana@example.com", "dba@example.com");
    probe.awaitOutcome(db.key(), "reconciled", "slack", NotificationDelivered.SENT);
    assertThat(probe.posts("redis default/plain"))
        .singleElement()
        .satisfies(p -> assertThat(p.getBodyAsString()).contains("\"channel\":\"#team-data\""));
  }

  @Test
  void aTeamThatNamesTwoSlackChannelsPostsNothing() throws Exception {
    StatusEvents db =
        reconciled("default/redis/channels", "{requester: dana, team: 'ops,#general'}");

    NotificationDelivered failed =
        probe.awaitOutcome(db.key(), "reconciled", "slack", NotificationDelivered.FAILED);
    assertThat(failed.detail())
        .startsWith("NotificationPolicy/redis (slack): to")
        .contains("not one Slack channel");
    assertThat(probe.posts("redis default/channels")).isEmpty();
  }

  @Test
  void aBillingUrlValueIsOnePathSegmentAndCannotMoveTheCall() throws Exception {
    StatusEvents db =
        reconciled(
            "default/redis/billed",
            "{requester: dana, team: '../../admin?x=1#', plan: 'gold&force=true'}");

    probe.awaitOutcome(db.key(), "created", "billing", NotificationDelivered.SENT);
    List<LoggedRequest> calls =
        billing.findAll(
            anyRequestedFor(anyUrl()).withRequestBody(containing("default/redis/billed")));
    assertThat(calls)
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.getUrl())
                    .isEqualTo(
                        "/v1/tenants/..%2F..%2Fadmin%3Fx%3D1%23/usage?plan=gold%26force%3Dtrue"));
    // The configured bearer token goes to the configured billing host only: this is the same one.
    assertThat(calls.get(0).getHeader("Authorization"))
        .isEqualTo("Bearer " + BillingStubResource.TOKEN);
    assertThat(billing.findAll(postRequestedFor(urlPathMatching("/admin.*")))).isEmpty();
    assertThat(billing.findAll(postRequestedFor(urlEqualTo(BillingStubResource.PATH))))
        .noneMatch(r -> r.getBodyAsString().contains("default/redis/billed"));
  }

  @Test
  void aBillingUrlWhoseHostIsTemplatedIsRefused() throws Exception {
    applyPolicy(
        """
        apiVersion: pledge.io/v1alpha1
        kind: NotificationPolicy
        metadata: {name: redis}
        spec:
          promise: redis
          rules:
            - events: [created]
              channel: billing
              url: "http://{resource.spec.team}/usage"
        """);
    StatusEvents db =
        reconciled("default/redis/hosted", "{team: '%s'}".formatted(hostOf(billing.baseUrl())));

    NotificationDelivered failed =
        probe.awaitOutcome(db.key(), "created", "billing", NotificationDelivered.FAILED);
    assertThat(failed.detail())
        .startsWith("NotificationPolicy/redis (billing): url")
        .contains("scheme, host and port must be written out");
    assertThat(
            billing.findAll(
                anyRequestedFor(anyUrl()).withRequestBody(containing("default/redis/hosted"))))
        .isEmpty();
  }

  @Test
  void theBillingTokenGoesToTheConfiguredHostOnly() throws Exception {
    // The Slack stub listens on another port: another place than the configured billing API.
    slack.stubFor(post(urlPathMatching("/elsewhere/.*")).willReturn(aResponse().withStatus(201)));
    applyPolicy(
        """
        apiVersion: pledge.io/v1alpha1
        kind: NotificationPolicy
        metadata: {name: redis}
        spec:
          promise: redis
          rules:
            - events: [created]
              channel: billing
              url: "%s/elsewhere/{resource.name}"
        """
            .formatted(slack.baseUrl()));
    StatusEvents db = reconciled("default/redis/elsewhere", "{team: data}");

    probe.awaitOutcome(db.key(), "created", "billing", NotificationDelivered.SENT);
    assertThat(slack.findAll(postRequestedFor(urlEqualTo("/elsewhere/elsewhere"))))
        .singleElement()
        .satisfies(r -> assertThat(r.containsHeader("Authorization")).isFalse());
  }

  @Test
  void aLineBreakInASubjectValueAddsNoHeader() throws Exception {
    MimeMessage mail = mailTitled("newline", "gold\\nX-Injected: yes\\n\\nnot the text");

    assertThat(mail.getSubject())
        .isEqualTo("Your redis newline: gold X-Injected: yes not the text");
    assertThat(mail.getHeader("X-Injected")).isNull();
    assertThat(((String) mail.getContent()).strip()).isEqualTo("The text.");
  }

  @Test
  void controlCharactersInASubjectValueBecomeOneSpace() throws Exception {
    MimeMessage mail = mailTitled("controls", "gold\\r\\n\\tsilver\\u0007 bronze\\r");

    assertThat(mail.getSubject()).isEqualTo("Your redis controls: gold silver bronze");
  }

  /** The e-mail for a resource whose title, a YAML double-quoted string, is in the subject. */
  private MimeMessage mailTitled(String name, String title) throws Exception {
    applyPolicy(
        """
        apiVersion: pledge.io/v1alpha1
        kind: NotificationPolicy
        metadata: {name: redis}
        spec:
          promise: redis
          rules:
            - events: [reconciled]
              channel: email
              to: "{resource.name}@example.com"
              subject: "Your redis {resource.name}: {resource.spec.title}"
              template: "The text."
        """);
    StatusEvents db = reconciled("default/redis/" + name, "{title: \"%s\"}".formatted(title));
    probe.awaitOutcome(db.key(), "reconciled", "email", NotificationDelivered.SENT);
    // By the envelope's recipient: a broken message may have lost its To header.
    return smtp.findReceivedMessages(u -> u.getEmail().equals(name + "@example.com"), m -> true)
        .findFirst()
        .orElseThrow();
  }

  private static String hostOf(String baseUrl) {
    return baseUrl.replaceFirst("^http://", "");
  }

  private List<MimeMessage> mailsTo(String address) {
    return Arrays.stream(smtp.getReceivedMessages())
        .filter(m -> recipients(m).contains(address))
        .toList();
  }

  private List<MimeMessage> mailsAbout(String text) {
    return Arrays.stream(smtp.getReceivedMessages())
        .filter(
            m -> {
              try {
                return m.getSubject().contains(text);
              } catch (MessagingException e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }

  private static String header(MimeMessage m, String name) {
    try {
      return m.getHeader(name, ",");
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> recipients(MimeMessage m) {
    try {
      return Arrays.stream(m.getAllRecipients()).map(Address::toString).toList();
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PrometheusScrape scrape() {
    return PrometheusScrape.parse(given().accept("text/plain").get("/q/metrics").asString());
  }
}
