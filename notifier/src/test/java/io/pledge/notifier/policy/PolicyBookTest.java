package io.pledge.notifier.policy;

import static io.pledge.notifier.policy.NotificationPolicyTest.POSTGRES;
import static io.pledge.notifier.policy.NotificationPolicyTest.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.contract.notification.NotificationPolicyDeleted;
import io.pledge.notifier.lifecycle.Lifecycle;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyBookTest {

  private static final String PLATFORM =
      """
      apiVersion: pledge.io/v1alpha1
      kind: NotificationPolicy
      metadata: {name: platform}
      spec:
        rules:
          - events: [failed]
            channel: email
            to: ops@example.com
      """;
  private static final EventCodec INTAKE = new EventCodec("/pledge/request-intake");

  private final Rule configured = Rule.configured("slack", Set.of(Lifecycle.RECONCILED));
  private final PolicyBook book = new PolicyBook(List.of(configured));

  @Test
  void withoutPoliciesTheConfiguredRulesApply() {
    assertThat(book.rulesFor("postgresql")).containsExactly(configured);
  }

  @Test
  void thePromisesOwnPolicyWinsOverThePlatformDefault() {
    book.apply("platform", yaml(PLATFORM));
    book.apply("postgresql", yaml(POSTGRES));

    assertThat(book.rulesFor("postgresql"))
        .extracting(Rule::source)
        .containsOnly("NotificationPolicy/postgresql");
    assertThat(book.rulesFor("redis"))
        .singleElement()
        .satisfies(r -> assertThat(r.source()).isEqualTo("NotificationPolicy/platform"));
  }

  @Test
  void aPolicyWithoutRulesSilencesItsPromise() {
    book.apply("postgresql", yaml(POSTGRES.replaceAll("(?s)rules:.*", "rules: []")));

    assertThat(book.rulesFor("postgresql")).isEmpty();
    assertThat(book.rulesFor("redis")).containsExactly(configured);
  }

  @Test
  void deletedAndUnreadablePoliciesNoLongerApply() {
    book.apply("postgresql", yaml(POSTGRES));
    book.applyRecord(
        "postgresql",
        EventCodec.write(
            INTAKE.event(
                EventType.NOTIFICATION_POLICY_DELETED,
                "postgresql",
                new NotificationPolicyDeleted("postgresql"))));
    assertThat(book.rulesFor("postgresql")).containsExactly(configured);

    book.applyRecord(
        "postgresql",
        EventCodec.write(
            INTAKE.event(
                EventType.NOTIFICATION_POLICY_APPLIED,
                "postgresql",
                new NotificationPolicyApplied("postgresql", 1, yaml(POSTGRES)))));
    assertThat(book.size()).isEqualTo(1);
    book.apply("postgresql", yaml(POSTGRES.replace("channel: slack", "channel: fax")));
    assertThat(book.size()).isZero();

    book.apply("postgresql", yaml(POSTGRES));
    book.applyRecord("postgresql", null); // tombstone after compaction
    assertThat(book.size()).isZero();
  }
}
