package io.pledge.notifier.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.status.StatusFold;
import io.pledge.notifier.StatusEvents;
import io.pledge.notifier.lifecycle.Lifecycle;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateRendererTest {

  static final String KEY = "default/postgresql/example";
  static final JsonNode REQUEST =
      NotificationPolicyTest.yaml(
          """
          apiVersion: workshop.kratix.io/v1
          kind: postgresql
          metadata: {name: example, namespace: default, generation: 1, labels: {team: data}}
          spec: {size: small, dbName: bestdb, requester: requester-name}
          """);

  private final TemplateRenderer renderer = new TemplateRenderer();

  static LifecycleEvent reconciled() {
    return new LifecycleEvent(
        ResourceKey.parse(KEY),
        1,
        Lifecycle.RECONCILED,
        StatusFold.foldAll(KEY, new StatusEvents(KEY).reconciled(1)));
  }

  private String render(String template) {
    return renderer.render(template, TemplateModel.of("reconciled", reconciled(), REQUEST));
  }

  @Test
  void namesTheResourceAndTheEvent() {
    assertThat(render("{resource.promise} {resource.namespace}/{resource.name} is {event}"))
        .isEqualTo("postgresql default/example is reconciled");
    assertThat(render("{resource.key} g{generation} by {requester}, {resource.status}"))
        .isEqualTo(KEY + " g1 by alice, Reconciled");
  }

  @Test
  void readsTheSpecIncludingFieldsNamedLikeMapMethods() {
    assertThat(render("{resource.spec.requester}@example.com"))
        .isEqualTo("requester-name@example.com");
    assertThat(render("{resource.spec.size} {resource.spec.dbName} {resource.labels.team}"))
        .isEqualTo("small bestdb data");
  }

  @Test
  void listsDestinationsAndCommits() {
    assertThat(render("{#for d in destinations}{d.name}@{d.shortCommit} {d.commit}{/for}"))
        .isEqualTo("worker-1@" + StatusEvents.sha(1).substring(0, 7) + " " + StatusEvents.sha(1));
    assertThat(render("{commit} {commits.size}")).isEqualTo(StatusEvents.sha(1) + " 1");
    assertThat(render("{summary}")).startsWith("postgresql default/example is Reconciled");
  }

  @Test
  void aMissingValueIsAnErrorUnlessTheTemplateGivesADefault() {
    assertThatThrownBy(() -> render("{resource.spec.plan} plan"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("template error");
    assertThat(render("{resource.spec.plan ?: 'standard'} plan")).isEqualTo("standard plan");
    assertThatThrownBy(() -> render("{#if unclosed}")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withoutTheRequestDocumentTheSpecIsEmpty() {
    Map<String, Object> model = TemplateModel.of("reconciled", reconciled(), null);

    assertThat(renderer.render("{resource.name}: {resource.spec.size ?: '?'}", model))
        .isEqualTo("example: ?");
  }
}
