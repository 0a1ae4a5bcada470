package io.pledge.runner.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.ToLongFunction;

/**
 * A container's limits: the platform's defaults, or what its {@code resources.limits} ask for
 * ({@code memory}; {@code ephemeral-storage} for {@code /tmp}), within the platform's maximum. A
 * container that asks for more than the maximum is refused rather than cut down, so the Promise's
 * author learns that the stage will not get what it was written for.
 */
public final class ContainerLimits {

  /** Why a container's resources cannot be granted. */
  public static final class RefusedException extends Exception {
    public RefusedException(String message) {
      super(message);
    }
  }

  private final StageLimits defaults;
  private final StageLimits.Limit maxMemory;
  private final StageLimits.Limit maxTmp;
  private final ToLongFunction<String> bytes;

  /**
   * @param maxMemory the most memory a container may ask for
   * @param maxTmp the most {@code ephemeral-storage} (its {@code /tmp}) a container may ask for
   * @param bytes reads a Kubernetes quantity ({@code 512Mi}, {@code 1G}, {@code 1e9}) as bytes;
   *     throws {@link IllegalArgumentException} or {@link ArithmeticException} for anything else
   */
  public ContainerLimits(
      StageLimits defaults,
      StageLimits.Limit maxMemory,
      StageLimits.Limit maxTmp,
      ToLongFunction<String> bytes) {
    if (defaults.memory().value() > maxMemory.value() || defaults.tmp().value() > maxTmp.value()) {
      throw new IllegalArgumentException(
          "the default limits ("
              + defaults.memory().bytes()
              + " memory, "
              + defaults.tmp().bytes()
              + " /tmp) must not be above their maximum ("
              + maxMemory.bytes()
              + ", "
              + maxTmp.bytes()
              + ")");
    }
    this.defaults = defaults;
    this.maxMemory = maxMemory;
    this.maxTmp = maxTmp;
    this.bytes = bytes;
  }

  /**
   * The configuration keys' defaults ({@link StageLimits#DEFAULTS}, at most 2Gi of memory and 1Gi
   * of {@code /tmp}), for a runner built without configuration: such a runner reads no quantity, so
   * a container that names its own {@code resources.limits} is refused.
   */
  public static ContainerLimits builtIn() {
    return new ContainerLimits(
        StageLimits.DEFAULTS,
        new StageLimits.Limit(2L << 30, "pledge.runner.limits.max.memory"),
        new StageLimits.Limit(1L << 30, "pledge.runner.limits.max.tmp-size"),
        text -> {
          throw new IllegalArgumentException("no quantities: " + text);
        });
  }

  public StageLimits defaults() {
    return defaults;
  }

  /**
   * The limits of container {@code name} with these {@code resources} (null: none).
   *
   * @throws RefusedException when it asks for more than the maximum, or for something unreadable
   */
  public StageLimits of(String name, JsonNode resources) throws RefusedException {
    JsonNode limits = resources == null ? null : resources.path("limits");
    StageLimits result = defaults;
    if (limits != null && limits.isObject()) {
      StageLimits.Limit memory = asked(name, limits, "memory", maxMemory);
      if (memory != null) {
        result = result.withMemory(memory);
      }
      StageLimits.Limit tmp = asked(name, limits, "ephemeral-storage", maxTmp);
      if (tmp != null) {
        result = result.withTmp(tmp);
      }
    }
    return result;
  }

  private StageLimits.Limit asked(String name, JsonNode limits, String field, StageLimits.Limit max)
      throws RefusedException {
    JsonNode value = limits.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    String source = "resources.limits." + field + " of container " + name;
    long asked;
    try {
      asked = bytes.applyAsLong(value.asText());
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new RefusedException(
          source + " is \"" + value.asText() + "\", not a quantity such as 512Mi");
    }
    if (asked <= 0) {
      throw new RefusedException(source + " must be positive, not " + value.asText());
    }
    if (asked > max.value()) {
      throw new RefusedException(
          source
              + " asks for "
              + value.asText()
              + ", above the platform's maximum "
              + max.bytes()
              + " ("
              + max.source()
              + ")");
    }
    return new StageLimits.Limit(asked, source);
  }
}
