package io.pledge.intake.apply;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LabelRulesTest {

  @Test
  void acceptsKubernetesLabelKeys() {
    for (String key :
        new String[] {
          "app", "kratix.io/promise-name", "a.b-c_d", "A9", "x".repeat(63), "example.com/Team_1"
        }) {
      assertThat(LabelRules.keyViolation(key)).as(key).isEmpty();
    }
  }

  @Test
  void refusesKeysKubernetesRefuses() {
    for (String key :
        new String[] {
          "",
          "/name",
          "a/b/c",
          "Example.com/name",
          "-app",
          "app-",
          "has space",
          "x".repeat(64),
          "example.com/",
          "a".repeat(254) + "/name"
        }) {
      assertThat(LabelRules.keyViolation(key)).as(key).isPresent();
    }
  }

  @Test
  void valuesAreEmptyOrShortAlphanumericRuns() {
    assertThat(LabelRules.valueViolation("")).isEmpty();
    assertThat(LabelRules.valueViolation("v1.2_x-y")).isEmpty();
    assertThat(LabelRules.valueViolation("-x")).isPresent();
    assertThat(LabelRules.valueViolation("a b")).isPresent();
    assertThat(LabelRules.valueViolation("x".repeat(64))).isPresent();
  }
}
