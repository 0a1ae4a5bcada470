package io.pledge.contract.kratix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequiredPromisesTest {

  private static Promise promise(String name, String version, String... required) {
    StringBuilder yaml =
        new StringBuilder(
            "apiVersion: platform.kratix.io/v1alpha1\nkind: Promise\nmetadata:\n  name: " + name);
    if (version != null) {
      yaml.append("\n  labels: {kratix.io/promise-version: ").append(version).append('}');
    }
    yaml.append("\nspec:\n  requiredPromises:\n");
    for (String r : required) {
      String[] parts = r.split("@");
      yaml.append("    - name: ").append(parts[0]).append('\n');
      if (parts.length > 1) {
        yaml.append("      version: ").append(parts[1]).append('\n');
      }
    }
    if (required.length == 0) {
      yaml.append("    []\n");
    }
    return KratixDocuments.YAML.convertValue(
        KratixDocuments.readAll(yaml.toString()).get(0), Promise.class);
  }

  @Test
  void eachRequirementGetsKratixsState() {
    Map<String, RequiredPromises.Known> known =
        Map.of(
            "db", new RequiredPromises.Known(promise("db", "v1"), true),
            "cache", new RequiredPromises.Known(promise("cache", "v2"), true),
            "queue", new RequiredPromises.Known(promise("queue", "v1"), false));
    Promise app = promise("app", "v1", "db@v1", "cache@v1", "queue", "search");

    List<RequiredPromises.State> states =
        RequiredPromises.states(app, n -> Optional.ofNullable(known.get(n)));

    assertThat(states)
        .extracting(RequiredPromises.State::state)
        .containsExactly(
            RequiredPromises.INSTALLED,
            RequiredPromises.WRONG_VERSION,
            RequiredPromises.NOT_AVAILABLE,
            RequiredPromises.NOT_INSTALLED);
    assertThat(RequiredPromises.firstUnfulfilled(app, n -> Optional.ofNullable(known.get(n))))
        .map(RequiredPromises.State::name)
        .contains("cache");
  }

  @Test
  void aRequirementWhoseOwnRequirementsAreUnmetIsNotAvailable() {
    Map<String, RequiredPromises.Known> known =
        Map.of("backend", new RequiredPromises.Known(promise("backend", "v1", "db"), true));
    Promise app = promise("app", null, "backend@v1");

    assertThat(RequiredPromises.states(app, n -> Optional.ofNullable(known.get(n))))
        .singleElement()
        .extracting(RequiredPromises.State::state)
        .isEqualTo(RequiredPromises.NOT_AVAILABLE);
    assertThat(RequiredPromises.blocker(app, n -> Optional.ofNullable(known.get(n))))
        .as("what app waits for is backend's missing requirement")
        .contains("db");
  }

  @Test
  void findsTheCycleANewRequirementWouldClose() {
    Map<String, List<String>> required =
        Map.of("b", List.of("c"), "c", List.of("a"), "d", List.of());

    assertThat(
            RequiredPromises.cycle(
                "a", List.of("d", "b"), n -> required.getOrDefault(n, List.of())))
        .contains(List.of("a", "b", "c", "a"));
    assertThat(RequiredPromises.cycle("a", List.of("a"), n -> List.of()))
        .contains(List.of("a", "a"));
    assertThat(RequiredPromises.cycle("x", List.of("b"), n -> required.getOrDefault(n, List.of())))
        .as("b -> c -> a never comes back to x")
        .isEmpty();
  }
}
