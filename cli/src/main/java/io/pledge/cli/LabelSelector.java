package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * kubectl's equality-based label selectors ({@code -l}): comma-separated {@code key=value} (or
 * {@code ==}), {@code key!=value}, {@code key} (present) and {@code !key} (absent); every one must
 * hold.
 */
final class LabelSelector implements Predicate<JsonNode> {

  private record Requirement(String key, String value, boolean equal) {}

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  /**
   * @throws IllegalArgumentException for a selector kubectl would refuse
   */
  static LabelSelector parse(String selector) {
    List<Requirement> requirements = new ArrayList<>();
    for (String part : selector.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        throw new IllegalArgumentException("empty requirement in selector \"" + selector + "\"");
      }
      int ne = p.indexOf("!=");
      int eq = p.indexOf('=');
      if (ne > 0) {
        requirements.add(
            new Requirement(key(p.substring(0, ne)), p.substring(ne + 2).strip(), false));
      } else if (eq > 0) {
        String value = p.substring(p.startsWith("==", eq) ? eq + 2 : eq + 1).strip();
        requirements.add(new Requirement(key(p.substring(0, eq)), value, true));
      } else if (p.startsWith("!")) {
        requirements.add(new Requirement(key(p.substring(1)), null, false));
      } else if (eq < 0) {
        requirements.add(new Requirement(key(p), null, true));
      } else {
        throw new IllegalArgumentException("cannot read \"" + p + "\" in selector " + selector);
      }
    }
    return new LabelSelector(requirements);
  }

  private static String key(String key) {
    String k = key.strip();
    if (k.isEmpty() || k.contains(" ")) {
      throw new IllegalArgumentException("invalid label key \"" + key + "\"");
    }
    return k;
  }

  /** Whether the object's {@code metadata.labels} satisfy every requirement. */
  @Override
  public boolean test(JsonNode object) {
    JsonNode labels = object.path("metadata").path("labels");
    for (Requirement r : requirements) {
      JsonNode value = labels.get(r.key());
      boolean present = value != null && !value.isNull();
      boolean holds =
          r.value() == null
              ? present == r.equal()
              : (present && value.asText().equals(r.value())) == r.equal();
      if (!holds) {
        return false;
      }
    }
    return true;
  }
}
