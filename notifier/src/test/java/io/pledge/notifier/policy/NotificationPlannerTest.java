package io.pledge.notifier.policy;

import static io.pledge.notifier.policy.NotificationPolicyTest.POSTGRES;
import static io.pledge.notifier.policy.NotificationPolicyTest.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.kratix.SecretRef;
import io.pledge.contract.status.StatusFold;
import io.pledge.notifier.StatusEvents;
import io.pledge.notifier.lifecycle.Lifecycle;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import io.pledge.notifier.policy.NotificationPlanner.Planned;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NotificationPlannerTest {

  private static final URI HOOK = URI.create("https://hooks.example/services/T/B/secret");

  private final PolicyBook book =
      new PolicyBook(List.of(Rule.configured("slack", Set.of(Lifecycle.RECONCILED))));
  private final NotificationPlanner planner =
      new NotificationPlanner(
          book,
          new TemplateRenderer(),
          ref ->
              ref.equals(new SecretRef("slack", "platform"))
                  ? Optional.of(HOOK)
                  : Optional.empty());

  private static LifecycleEvent event(Lifecycle lifecycle) {
    String key = TemplateRendererTest.KEY;
    return new LifecycleEvent(
        ResourceKey.parse(key),
        1,
        lifecycle,
        StatusFold.foldAll(key, new StatusEvents(key).reconciled(1)));
  }

  @Test
  void rendersThePromisesRulesForTheEvent() {
    book.apply("postgresql", yaml(POSTGRES));

    List<Planned> planned = planner.plan(event(Lifecycle.RECONCILED), TemplateRendererTest.REQUEST);

    assertThat(planned).extracting(Planned::channel).containsExactly("slack", "email");
    Planned slack = planned.get(0);
    assertThat(slack.error()).isEmpty();
    assertThat(slack.notification().text()).contains("postgresql default/example is reconciled");
    assertThat(slack.notification().endpoint()).contains(HOOK);
    assertThat(slack.delivery().ledgerKey())
        .isEqualTo(TemplateRendererTest.KEY + "#1#reconciled#slack");
    Planned email = planned.get(1);
    assertThat(email.notification().to()).containsExactly("requester-name@example.com");
    assertThat(email.notification().subject()).contains("example: reconciled");
    assertThat(email.notification().text().get()).startsWith("postgresql default/example is");
  }

  @Test
  void billingHearsOfTheCreation() {
    book.apply("postgresql", yaml(POSTGRES));

    assertThat(planner.plan(event(Lifecycle.CREATED), TemplateRendererTest.REQUEST))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.channel()).isEqualTo("billing");
              assertThat(p.delivery().event()).isEqualTo("created");
            });
    assertThat(planner.plan(event(Lifecycle.REQUESTED), null)).isEmpty();
  }

  @Test
  void aSecretThatIsNotThereFallsBackToTheConfiguredWebhook() {
    book.apply("postgresql", yaml(POSTGRES.replace("namespace: platform", "namespace: nowhere")));

    assertThat(planner.plan(event(Lifecycle.FAILED), TemplateRendererTest.REQUEST).get(0))
        .satisfies(p -> assertThat(p.notification().endpoint()).isEmpty());
  }

  @Test
  void theFirstRuleForAChannelAndEventWins() {
    book.apply(
        "postgresql",
        yaml(
            POSTGRES.replace(
                "    - events: [created, updated, deleted]",
                "    - events: [reconciled]\n"
                    + "      channel: slack\n"
                    + "      template: second\n"
                    + "    - events: [created, updated, deleted]")));

    assertThat(planner.plan(event(Lifecycle.RECONCILED), TemplateRendererTest.REQUEST))
        .filteredOn(p -> p.channel().equals("slack"))
        .singleElement()
        .satisfies(p -> assertThat(p.notification().text().get()).endsWith("is reconciled"));
  }

  @Test
  void aTemplateErrorOrABadAddressIsReportedNotSent() {
    book.apply("postgresql", yaml(POSTGRES));

    // No request document: spec.requester is not there.
    Planned email = planner.plan(event(Lifecycle.RECONCILED), null).get(1);
    assertThat(email.error().get())
        .startsWith(
            "NotificationPolicy/postgresql (email): to entry 1 '{resource.spec.requester}@example.com':"
                + " template error");

    book.apply("postgresql", yaml(POSTGRES.replace("@example.com", "")));
    Planned bad = planner.plan(event(Lifecycle.RECONCILED), TemplateRendererTest.REQUEST).get(1);
    assertThat(bad.error().get())
        .endsWith(
            "to entry 1 '{resource.spec.requester}' renders \"requester-name\": not one e-mail"
                + " address: Missing final '@domain'");
  }

  private static final String RECEIVERS =
      """
      apiVersion: pledge.io/v1alpha1
      kind: NotificationPolicy
      metadata: {name: postgresql}
      spec:
        promise: postgresql
        rules:
          - events: [reconciled]
            channel: email
            to: "{resource.spec.requester}@example.com, dba@example.com"
          - events: [reconciled]
            channel: slack
            to: "#db-{resource.spec.team ?: 'platform'}"
          - events: [created]
            channel: billing
            url: "https://billing.example/v1/{resource.spec.team}/usage"
      """;

  private static com.fasterxml.jackson.databind.JsonNode request(String spec) {
    return yaml("{metadata: {name: example}, spec: " + spec + "}");
  }

  @Test
  void eachRecipientEntryRendersToOneAddress() {
    book.apply("postgresql", yaml(RECEIVERS));

    List<Planned> planned =
        planner.plan(event(Lifecycle.RECONCILED), request("{requester: dana, team: data}"));

    assertThat(planned.get(0).error()).isEmpty();
    assertThat(planned.get(0).notification().to())
        .containsExactly("dana@example.com", "dba@example.com");
    assertThat(planned.get(1).error()).isEmpty();
    assertThat(planned.get(1).notification().to()).containsExactly("#db-data");
    assertThat(
            planner
                .plan(event(Lifecycle.CREATED), request("{team: 'a/../b'}"))
                .get(0)
                .notification()
                .endpoint())
        .contains(URI.create("https://billing.example/v1/a%2F..%2Fb/usage"));
  }

  @Test
  void aValueThatAddsARecipientFailsTheWholeNotification() {
    book.apply("postgresql", yaml(RECEIVERS));

    Planned email =
        planner
            .plan(
                event(Lifecycle.RECONCILED),
                request("{requester: 'attacker@evil.example,victim', team: 'ops,#general'}"))
            .get(0);

    assertThat(email.error())
        .contains(
            "NotificationPolicy/postgresql (email): to entry 1"
                + " '{resource.spec.requester}@example.com' renders"
                + " \"attacker@evil.example,victim@example.com\": not one e-mail address: it has"
                + " ',' or ';'");
    // Nothing to anybody: not even the valid entry.
    assertThat(email.notification().to()).isEmpty();
  }

  @Test
  void aValueThatNamesASecondChannelOrALineBreakIsShownSafely() {
    book.apply("postgresql", yaml(RECEIVERS));

    List<Planned> planned =
        planner.plan(
            event(Lifecycle.RECONCILED),
            request("{requester: \"dana\\r\\nBcc: x@evil.example\", team: 'ops,#general'}"));

    assertThat(planned.get(0).error().get())
        .endsWith(
            "renders \"dana\\u000d\\u000aBcc: x@evil.example@example.com\": not one e-mail"
                + " address: it has a control character");
    assertThat(planned.get(1).error().get())
        .startsWith(
            "NotificationPolicy/postgresql (slack): to '#db-{resource.spec.team ?: 'platform'}'"
                + " renders \"#db-ops,#general\": not one Slack channel");
    assertThat(planned.get(1).notification().to()).isEmpty();
  }

  @Test
  void aSlackRuleNamesOneChannel() {
    book.apply("postgresql", yaml(RECEIVERS.replace("to: \"#db-", "to: \"#ops, #db-")));

    assertThat(
            planner
                .plan(event(Lifecycle.RECONCILED), request("{requester: dana}"))
                .get(1)
                .error()
                .get())
        .contains("must name one Slack channel, not a list");
  }

  @Test
  void aBillingUrlWhoseHostIsTemplatedIsRefused() {
    book.apply(
        "postgresql",
        yaml(
            RECEIVERS.replace(
                "https://billing.example/v1/{resource.spec.team}/usage",
                "https://{resource.spec.team}/usage")));

    assertThat(
            planner.plan(event(Lifecycle.CREATED), request("{team: evil.example}")).get(0).error())
        .contains(
            "NotificationPolicy/postgresql (billing): url 'https://{resource.spec.team}/usage': the"
                + " scheme, host and port must be written out, not templated"
                + " (http[s]://host[:port]/...)");
  }

  @Test
  void aPipelineNamesOneAddressOrAListNeverACommaSeparatedOne() {
    book.apply("postgresql", yaml(POSTGRES));
    var requests =
        yaml(
            """
            - {channel: email, to: [dba@example.com, ops@example.com], message: "review"}
            - {channel: email, to: "attacker@evil.example,dba@example.com", message: "review"}
            - {channel: slack, to: "#dba", message: "review"}
            - {channel: slack, to: "#dba,#general", message: "review"}
            """);

    List<Planned> planned =
        planner.requested(event(Lifecycle.PIPELINE), "instance-configure", requests, null);

    assertThat(planned.get(0).notification().to())
        .containsExactly("dba@example.com", "ops@example.com");
    assertThat(planned.get(1).error().get())
        .isEqualTo(
            "pipeline instance-configure notification 1: to"
                + " \"attacker@evil.example,dba@example.com\": not one e-mail address: it has ','"
                + " or ';'");
    assertThat(planned.get(2).notification().to()).containsExactly("#dba");
    assertThat(planned.get(3).error().get()).contains("not one Slack channel");
  }

  @Test
  void pipelineRequestsAreKnownByPipelineAndIndex() {
    book.apply("postgresql", yaml(POSTGRES));
    var requests =
        yaml(
            """
            - {channel: slack, message: "backup configured"}
            - {channel: email, to: "dba@example.com", message: "Your database\\nis ready"}
            - {channel: pager, message: "wake up"}
            - {channel: email, message: ""}
            """);

    List<Planned> planned =
        planner.requested(event(Lifecycle.PIPELINE), "instance-configure", requests, null);

    assertThat(planned)
        .extracting(p -> p.delivery().event())
        .containsExactly(
            "pipeline:instance-configure:0",
            "pipeline:instance-configure:1",
            "pipeline:instance-configure:2",
            "pipeline:instance-configure:3");
    assertThat(planned.get(0).notification().text()).contains("backup configured");
    assertThat(planned.get(0).notification().endpoint()).contains(HOOK);
    assertThat(planned.get(1).notification().to()).containsExactly("dba@example.com");
    assertThat(planned.get(1).notification().subject())
        .contains("[Pledge] postgresql default/example: Your database");
    assertThat(planned.get(2).error().get()).contains("channel must be slack or email");
    assertThat(planned.get(3).error().get()).contains("no message");
    assertThat(planner.requested(event(Lifecycle.PIPELINE), "p", null, null)).isEmpty();
  }
}
