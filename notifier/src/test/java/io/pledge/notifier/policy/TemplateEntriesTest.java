package io.pledge.notifier.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TemplateEntriesTest {

  @Test
  void splitsTheWrittenListBeforeAnythingIsRendered() {
    assertThat(TemplateEntries.split("{resource.spec.requester}@example.com, dba@example.com"))
        .containsExactly("{resource.spec.requester}@example.com", "dba@example.com");
    assertThat(TemplateEntries.split("ops@example.com")).containsExactly("ops@example.com");
  }

  @Test
  void keepsCommasInsideExpressionsAndTags() {
    assertThat(
            TemplateEntries.split(
                "{resource.spec.cc ?: 'a,b'}@example.com,{#if x, y}z{/if}@example.com"))
        .containsExactly("{resource.spec.cc ?: 'a,b'}@example.com", "{#if x, y}z{/if}@example.com");
    assertThat(TemplateEntries.split("{x ?: \"}\"},b")).containsExactly("{x ?: \"}\"}", "b");
    assertThat(TemplateEntries.split("\\{a,b\\}")).containsExactly("\\{a", "b\\}");
  }

  @Test
  void leavesOutEmptyEntries() {
    assertThat(TemplateEntries.split(" a@example.com, ,b@example.com, "))
        .containsExactly("a@example.com", "b@example.com");
    assertThat(TemplateEntries.split(" , ")).isEmpty();
  }
}
