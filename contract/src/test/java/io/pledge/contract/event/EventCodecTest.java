package io.pledge.contract.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.promise.PromiseDeleted;
import io.pledge.contract.work.Workload;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventCodecTest {

  @Test
  void rejectsTextThatIsNotACloudEvent() {
    assertThatThrownBy(() -> EventCodec.read("not json"))
        .isInstanceOf(MalformedEventException.class);
    assertThatThrownBy(() -> EventCodec.read("{\"specversion\":\"1.0\",\"id\":\"1\"}"))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("source");
  }

  @Test
  void refusesASpecversionOtherThanOneDotZero() {
    assertThatThrownBy(
            () ->
                EventCodec.read(
                    "{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}"))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("specversion '0.3'");
    assertThat(
            EventCodec.read(
                    "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}")
                .id())
        .isEqualTo("1");
  }

  @Test
  void refusesAKeySetTwiceInsteadOfKeepingTheLast() {
    assertThatThrownBy(
            () ->
                EventCodec.read(
                    "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                        + "\"data\":{\"spec\":{\"size\":\"small\",\"size\":\"large\"}}}"))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("Duplicate field 'size'");
  }

  @Test
  void refusesDataOfTheWrongRecord() {
    EventCodec codec = new EventCodec("/pledge/test");
    assertThatThrownBy(
            () -> codec.event(EventType.PROMISE_APPLIED, "postgresql", new PromiseDeleted("x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void workloadKeepsBytesThroughGzipAndBase64() {
    byte[] bytes = "kind: ConfigMap\n".getBytes(StandardCharsets.UTF_8);
    Workload workload = Workload.of("a/cm.yaml", bytes);
    assertThat(workload.bytes()).isEqualTo(bytes);
    assertThat(workload.content()).isNotEqualTo(new String(bytes, StandardCharsets.UTF_8));
  }

  @Test
  void resourceKeyReadsAndWritesNamespacePromiseName() {
    ResourceKey key = ResourceKey.parse("default/postgresql/example");
    assertThat(key.namespace()).isEqualTo("default");
    assertThat(key.promise()).isEqualTo("postgresql");
    assertThat(key.name()).isEqualTo("example");
    assertThat(key).hasToString("default/postgresql/example");
    assertThat(ResourceKey.isResourceKey("postgresql")).isFalse();
    assertThatThrownBy(() -> ResourceKey.parse("a/b")).isInstanceOf(IllegalArgumentException.class);
  }
}
