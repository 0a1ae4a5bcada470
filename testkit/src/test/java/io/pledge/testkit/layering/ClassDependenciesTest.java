package io.pledge.testkit.layering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pledge.testkit.kafka.EmbeddedKafka;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassDependenciesTest {

  private final ClassDependencies testkit = ClassDependencies.of(EmbeddedKafka.class);

  @Test
  void findsTheClassesOfAPackageThatUseTheTarget() {
    List<String> found = testkit.from(List.of("io.pledge.testkit.kafka"), "org.apache.kafka");

    assertTrue(
        found.contains(
            "io.pledge.testkit.kafka.EmbeddedKafka -> org.apache.kafka.clients.admin.Admin"),
        found.toString());
  }

  @Test
  void findsNothingInAPackageThatDoesNotUseTheTarget() {
    assertEquals(List.of(), testkit.from(List.of("io.pledge.testkit.metrics"), "org.apache.kafka"));
  }

  @Test
  void includesSubpackages() {
    List<String> found = testkit.from(List.of("io.pledge.testkit"), "org.apache.kafka");

    assertTrue(
        found.stream().anyMatch(d -> d.startsWith("io.pledge.testkit.kafka.")), found.toString());
  }

  @Test
  void refusesAPackageWithoutClasses() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> testkit.from(List.of("io.pledge.testkit.renamed"), "org.apache.kafka"));
    assertTrue(e.getMessage().contains("no classes in package io.pledge.testkit.renamed"));
  }
}
