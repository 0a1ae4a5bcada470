package io.pledge.notifier.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pledge.contract.kratix.SecretRef;
import io.pledge.notifier.lifecycle.Lifecycle;
import org.junit.jupiter.api.Test;

class NotificationPolicyTest {

  static final String POSTGRES =
      """
      apiVersion: pledge.io/v1alpha1
      kind: NotificationPolicy
      metadata: {name: postgresql}
      spec:
        promise: postgresql
        rules:
          - events: [reconciled, failed]
            channel: slack
            webhookSecretRef: {name: slack, namespace: platform}
            template: "{resource.promise} {resource.namespace}/{resource.name} is {event}"
          - events: [Reconciled, failed]
            channel: email
            to: "{resource.spec.requester}@example.com"
            subject: "{resource.name}: {event}"
            template: "{summary}"
          - events: [created, updated, deleted]
            channel: billing
      """;

  static JsonNode yaml(String text) {
    try {
      return new YAMLMapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void readsThePromisesRulesInOrder() {
    NotificationPolicy policy = NotificationPolicy.parse(yaml(POSTGRES));

    assertThat(policy.name()).isEqualTo("postgresql");
    assertThat(policy.promise()).contains("postgresql");
    assertThat(policy.rules())
        .extracting(Rule::channel)
        .containsExactly("slack", "email", "billing");
    Rule slack = policy.rules().get(0);
    assertThat(slack.events()).containsExactlyInAnyOrder(Lifecycle.RECONCILED, Lifecycle.FAILED);
    assertThat(slack.webhookSecretRef()).contains(new SecretRef("slack", "platform"));
    assertThat(slack.source()).isEqualTo("NotificationPolicy/postgresql");
    assertThat(policy.rules().get(1).events()).contains(Lifecycle.RECONCILED);
    assertThat(policy.rules().get(1).to()).contains("{resource.spec.requester}@example.com");
    assertThat(policy.rules().get(2).events())
        .containsExactlyInAnyOrder(Lifecycle.CREATED, Lifecycle.UPDATED, Lifecycle.DELETED);
    assertThat(policy.rules().get(2).template()).isEmpty();
  }

  @Test
  void withoutAPromiseItIsThePlatformDefault() {
    NotificationPolicy policy =
        NotificationPolicy.parse(
            yaml(
                """
                apiVersion: pledge.io/v1alpha1
                kind: NotificationPolicy
                metadata: {name: default}
                spec:
                  rules: []
                """));

    assertThat(policy.promise()).isEmpty();
    assertThat(policy.rules()).isEmpty();
  }

  @Test
  void rejectsWhatItCannotFollow() {
    assertThatThrownBy(() -> NotificationPolicy.parse(yaml(POSTGRES.replace("v1alpha1", "v9"))))
        .hasMessageContaining("not a pledge.io/v1alpha1 NotificationPolicy");
    assertThatThrownBy(
            () ->
                NotificationPolicy.parse(yaml(POSTGRES.replace("channel: slack", "channel: fax"))))
        .hasMessageContaining("spec.rules[0].channel must be one of slack, email, billing");
    assertThatThrownBy(
            () -> NotificationPolicy.parse(yaml(POSTGRES.replace("[created,", "[exploded,"))))
        .hasMessageContaining("spec.rules[2].events: unknown event 'exploded'");
    assertThatThrownBy(
            () -> NotificationPolicy.parse(yaml(POSTGRES.replace("[created,", "[pipeline,"))))
        .hasMessageContaining("unknown event 'pipeline'");
    assertThatThrownBy(
            () -> NotificationPolicy.parse(yaml(POSTGRES.replace("name: postgresql}", "}"))))
        .hasMessageContaining("metadata.name is missing");
  }
}
