package io.pledge.testkit.layering;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.pledge.testkit.layering.fixture.layered.domain.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layering rules find what they are for, on fixture packages compiled with these tests: a
 * deliberate package cycle, a domain class that reaches the broker, and a package that was renamed.
 */
class LayeringRulesTest {

  private static final String FIXTURE = "io.pledge.testkit.layering.fixture";
  private final JavaClasses classes = LayeringRules.mainClasses(Decision.class);

  @Test
  void aCycleBetweenTwoPackagesFails() {
    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () -> LayeringRules.noPackageCycles(FIXTURE + ".cyclic").check(classes));
    String message = failure.getMessage();
    assertTrue(message.contains("Cycle detected"), message);
    assertTrue(message.contains(FIXTURE + ".cyclic.a"), message);
    assertTrue(message.contains(FIXTURE + ".cyclic.b"), message);
  }

  @Test
  void packagesThatDependOneWayPass() {
    assertDoesNotThrow(() -> LayeringRules.noPackageCycles(FIXTURE + ".layered").check(classes));
  }

  @Test
  void aDomainClassThatReachesTheBrokerFails() {
    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () ->
                LayeringRules.domainUsesNoAdapterTechnology(List.of(FIXTURE + ".layered.domain"))
                    .check(classes));
    String message = failure.getMessage();
    assertTrue(message.contains("LeakyDecision"), message);
    assertFalse(message.contains("DecisionSender"), message);
  }

  @Test
  void anAllowedPackageIsNotAViolation() {
    assertDoesNotThrow(
        () ->
            LayeringRules.domainUsesNoAdapterTechnology(
                    List.of(FIXTURE + ".layered.domain"), "org.apache.kafka..")
                .check(classes));
  }

  @Test
  void aRuleOverARenamedPackageFailsInsteadOfCheckingNothing() {
    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () ->
                LayeringRules.domainUsesNoAdapterTechnology(List.of(FIXTURE + ".renamed"))
                    .check(classes));
    assertTrue(failure.getMessage().contains("failed to check any classes"), failure.getMessage());
  }
}
