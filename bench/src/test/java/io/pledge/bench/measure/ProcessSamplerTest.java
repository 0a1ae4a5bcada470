package io.pledge.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessSamplerTest {

  @Test
  void readsCpuTicksAfterACommandWithSpacesAndParentheses() {
    String stat =
        "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 1500 250 30 12 20 0 40 0 100 "
            + "1000000 5000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
    assertThat(ProcessSampler.parseStat(stat)).containsExactly(1750, 42);
  }

  @Test
  void readsThisProcess() {
    long[] cpu = ProcessSampler.readStat(ProcessHandle.current().pid());
    long[] mem = ProcessSampler.readStatus(ProcessHandle.current().pid());
    assertThat(cpu).hasSize(2);
    assertThat(mem[1]).as("VmHWM").isGreaterThanOrEqualTo(mem[0]).isPositive();
  }
}
