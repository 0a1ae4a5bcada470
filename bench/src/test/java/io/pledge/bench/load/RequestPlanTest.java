package io.pledge.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.bench.BenchOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestPlanTest {

  @Test
  void aPlainRunHasWarmupLatencyAndThroughputPhases() {
    BenchOptions o = BenchOptions.parse("--requests", "1000", "--warmup", "10");
    List<Phase> phases = RequestPlan.phases(o);
    assertThat(phases)
        .extracting(Phase::name, Phase::requests, Phase::rate, Phase::measured)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("warmup", 10, null, false),
            org.assertj.core.groups.Tuple.tuple("latency", 250, 10.0, true),
            org.assertj.core.groups.Tuple.tuple("throughput", 750, null, true));
  }

  @Test
  void requestsGoRoundRobinOverTheResourcesAndEachResourceKeepsItsWayIn() {
    BenchOptions o =
        BenchOptions.parse("--requests", "6", "--resources", "3", "--rate", "2", "--warmup", "1");
    List<PlannedRequest> plan = RequestPlan.build(o, RequestPlan.phases(o));
    assertThat(plan).hasSize(7);
    assertThat(plan.get(0).name()).isEqualTo("w-000000");
    assertThat(plan.subList(1, 7))
        .extracting(PlannedRequest::name)
        .containsExactly("r-000000", "r-000001", "r-000002", "r-000000", "r-000001", "r-000002");
    assertThat(plan.subList(1, 7))
        .extracting(PlannedRequest::via)
        .containsExactly(Via.REST, Via.INBOUND, Via.REST, Via.REST, Via.INBOUND, Via.REST);
    assertThat(plan.subList(1, 7))
        .extracting(PlannedRequest::offsetMicros)
        .containsExactly(0L, 500_000L, 1_000_000L, 1_500_000L, 2_000_000L, 2_500_000L);
    assertThat(plan).extracting(PlannedRequest::seq).doesNotHaveDuplicates();
    assertThat(plan.get(1).key()).isEqualTo("load/bench/r-000000");
  }

  @Test
  void theDocumentCarriesTheSeqAndAFillerTheStageCanCopy() {
    PlannedRequest r =
        new PlannedRequest(0, new Phase("load", 1, null, true), "r-000007", Via.REST, 0, 42);
    var doc = RequestDocuments.of(r, 64);
    assertThat(doc.path("kind").asText()).isEqualTo("Benchmark");
    assertThat(doc.path("metadata").path("namespace").asText()).isEqualTo("load");
    assertThat(doc.path("spec").path("seq").asLong()).isEqualTo(42);
    assertThat(doc.path("spec").path("payload").asText()).hasSize(64).matches("[a-z0-9]+");
  }
}
