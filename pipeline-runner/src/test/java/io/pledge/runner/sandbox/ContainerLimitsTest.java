package io.pledge.runner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pledge.runner.config.Quantities;
import org.junit.jupiter.api.Test;

class ContainerLimitsTest {

  private static final long MIB = 1 << 20;

  private final ContainerLimits limits =
      new ContainerLimits(
          StageLimits.DEFAULTS,
          new StageLimits.Limit(2L << 30, "pledge.runner.limits.max.memory"),
          new StageLimits.Limit(1L << 30, "pledge.runner.limits.max.tmp-size"),
          Quantities::bytes);

  static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text);
  }

  @Test
  void withoutResourcesAContainerGetsTheDefaults() throws Exception {
    assertThat(limits.of("c", null)).isEqualTo(StageLimits.DEFAULTS);
    assertThat(limits.of("c", json("{\"requests\":{\"memory\":\"1Gi\"}}")))
        .isEqualTo(StageLimits.DEFAULTS);
  }

  @Test
  void memoryAndEphemeralStorageLimitsReplaceTheDefaultsAndSayWhereTheyCameFrom() throws Exception {
    StageLimits granted =
        limits.of(
            "c",
            json("{\"limits\":{\"memory\":\"1Gi\",\"ephemeral-storage\":\"128M\",\"cpu\":\"2\"}}"));

    assertThat(granted.memory())
        .isEqualTo(new StageLimits.Limit(1L << 30, "resources.limits.memory of container c"));
    assertThat(granted.tmp().value()).isEqualTo(128_000_000L);
    assertThat(granted.pids()).isEqualTo(StageLimits.DEFAULTS.pids());
    assertThat(granted.outputBytes()).isEqualTo(StageLimits.DEFAULTS.outputBytes());
  }

  @Test
  void theMaximumItselfIsGrantedAndOneByteMoreIsRefused() throws Exception {
    assertThat(limits.of("c", json("{\"limits\":{\"memory\":\"2Gi\"}}")).memory().value())
        .isEqualTo(2L << 30);
    assertThatThrownBy(() -> limits.of("c", json("{\"limits\":{\"memory\":2147483649}}")))
        .isInstanceOf(ContainerLimits.RefusedException.class)
        .hasMessage(
            "resources.limits.memory of container c asks for 2147483649, above the platform's"
                + " maximum 2Gi (pledge.runner.limits.max.memory)");
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> limits.of("c", json("{\"limits\":{\"memory\":\"0\"}}")))
        .hasMessage("resources.limits.memory of container c must be positive, not 0");
    assertThatThrownBy(() -> limits.of("c", json("{\"limits\":{\"memory\":\"-1Mi\"}}")))
        .isInstanceOf(ContainerLimits.RefusedException.class);
    assertThatThrownBy(() -> limits.of("c", json("{\"limits\":{\"memory\":\"0.5\"}}")))
        .hasMessageContaining("not a quantity");
  }

  @Test
  void defaultsAboveTheirMaximumDoNotStart() {
    assertThatThrownBy(
            () ->
                new ContainerLimits(
                    StageLimits.DEFAULTS,
                    new StageLimits.Limit(256 * MIB, "pledge.runner.limits.max.memory"),
                    new StageLimits.Limit(1L << 30, "pledge.runner.limits.max.tmp-size"),
                    Quantities::bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be above their maximum");
  }

  @Test
  void sizesReadAsKubernetesWritesThem() {
    assertThat(Quantities.bytes("512Mi")).isEqualTo(512 * MIB);
    assertThat(Quantities.bytes("1G")).isEqualTo(1_000_000_000L);
    assertThat(Quantities.bytes("1e6")).isEqualTo(1_000_000L);
    assertThat(Quantities.bytes("1.5Ki")).isEqualTo(1536L);
    assertThatThrownBy(() -> Quantities.bytes("lots")).isInstanceOf(IllegalArgumentException.class);
    assertThat(StageLimits.formatBytes(512 * MIB)).isEqualTo("512Mi");
    assertThat(StageLimits.formatBytes(3L << 30)).isEqualTo("3Gi");
    assertThat(StageLimits.formatBytes(1000)).isEqualTo("1000");
  }

  @Test
  void aFailedStagesErrorsTellWhichLimitStoppedIt() {
    StageLimits d = StageLimits.DEFAULTS;
    assertThat(LimitDiagnosis.explain(d, 153, "")).startsWith("wrote a file larger than");
    assertThat(LimitDiagnosis.explain(d, 1, "dd: error writing '/tmp/x': No space left on device"))
        .isEqualTo("filled /tmp: /tmp is full (64Mi, pledge.runner.limits.tmp-size)");
    assertThat(LimitDiagnosis.explain(d, 1, "MemoryError"))
        .isEqualTo("exceeded the memory limit 512Mi (pledge.runner.limits.memory)");
    assertThat(LimitDiagnosis.explain(d, 1, "error: file not found")).isNull();
  }
}
