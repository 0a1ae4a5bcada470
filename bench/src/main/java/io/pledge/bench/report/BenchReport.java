package io.pledge.bench.report;

import io.pledge.bench.measure.LatencyStats;
import io.pledge.bench.verify.Verdict;
import java.util.List;
import java.util.Map;

/**
 * Everything a run found, as written to {@code report.json} and rendered to {@code report.md}.
 * Times are milliseconds, rates per second, memory MB (10^6 bytes).
 */
public record BenchReport(
    String runId,
    String started,
    String finished,
    Environment environment,
    Map<String, Object> options,
    List<PhaseReport> phases,
    BareReport bare,
    Comparison comparison,
    List<ServiceUsage> usage,
    MachineUsage machine,
    GitReport git,
    ChaosReport chaos,
    Verdict verification,
    List<TargetCheck> targets,
    Map<String, Integer> statusEvents,
    Map<String, Integer> notificationOutcomes,
    List<ServiceUsage> instances,
    HistoryReport history) {

  /** Where it ran. */
  public record Environment(
      int cores, String java, String os, String checkout, String pledgeHome, double loadAverage) {}

  /**
   * One phase's figures.
   *
   * @param legs per leg ({@code accept}, {@code pipeline}, {@code commit}, {@code visible}) and
   *     {@code end-to-end}
   * @param detail the same path in finer steps ({@link io.pledge.bench.measure.Milestones#DETAIL})
   * @param endToEndByVia end-to-end per way in ({@code rest}, {@code inbound})
   */
  public record PhaseReport(
      String name,
      String rate,
      int requests,
      int accepted,
      int rejected,
      int unknown,
      int reconciled,
      double seconds,
      double sustainedPerSecond,
      double overallPerSecond,
      Map<String, LatencyStats> legs,
      Map<String, LatencyStats> detail,
      Map<String, LatencyStats> endToEndByVia,
      List<String> problems) {

    public LatencyStats endToEnd() {
      return legs.getOrDefault(io.pledge.bench.measure.Milestones.LEG_E2E, LatencyStats.EMPTY);
    }
  }

  /** The bare work: the stage loop, one commit of N files, the Kafka round trip. */
  public record BareReport(
      int stageRuns,
      double stageSeconds,
      double stagePerSecond,
      LatencyStats stageLatency,
      int stageFailures,
      int gitFiles,
      double gitSeconds,
      double gitFilesPerSecond,
      LatencyStats kafkaRoundTrip,
      int kafkaRecords,
      double kafkaSeconds,
      double kafkaPerSecond,
      double perSecond) {}

  /**
   * Pledge against the bare work.
   *
   * @param phase the phase Pledge's throughput is read from
   * @param rate its rate: when not {@code max}, the throughput is the rate it was sent at, not a
   *     capacity
   */
  public record Comparison(
      String phase,
      String rate,
      double pledgePerSecond,
      double barePerSecond,
      double ratio,
      double endToEndP50,
      double endToEndP99,
      double stageP50,
      double stageP99,
      double overheadP50,
      double overheadP99) {}

  /**
   * One process over the measured load: CPU seconds (own, and its waited children's), memory.
   * {@code idleMillisPerSecond} is its CPU with no load (NaN when not measured), and {@code
   * cpuMillisPerRequestAboveIdle} what the load cost on top of that: the cost that grows with
   * requests, apart from what each instance costs just by running.
   */
  public record ServiceUsage(
      String name,
      double cpuSeconds,
      double childCpuSeconds,
      double cpuMillisPerRequest,
      double idleMillisPerSecond,
      double cpuMillisPerRequestAboveIdle,
      double peakRssMb,
      int incarnations) {

    /** Without an idle measurement. */
    public ServiceUsage(
        String name,
        double cpuSeconds,
        double childCpuSeconds,
        double cpuMillisPerRequest,
        double peakRssMb,
        int incarnations) {
      this(
          name,
          cpuSeconds,
          childCpuSeconds,
          cpuMillisPerRequest,
          Double.NaN,
          Double.NaN,
          peakRssMb,
          incarnations);
    }
  }

  /**
   * The machine over the measured load: busy CPU seconds of all cores, of Pledge (services, broker,
   * harness), and of anything else (other builds on a shared machine).
   */
  public record MachineUsage(
      double seconds, double capacitySeconds, double busySeconds, double otherBusySeconds) {}

  /** The state store. */
  public record GitReport(
      int commitsBefore, int commitsAfter, int commitsDuringLoad, int distinctCommitShas) {}

  /**
   * What chaos did.
   *
   * @param takeovers per {@code kill-one}: how long the survivors took to hold the killed
   *     instance's partitions
   */
  public record ChaosReport(
      boolean enabled,
      long seed,
      List<String> faults,
      int restRetries,
      int slackRefused,
      int billingRefused,
      List<TakeoverReport> takeovers) {}

  /**
   * The survivors' takeover after one instance of a service was killed for good.
   *
   * @param seconds from the SIGKILL to the first group description showing every partition of the
   *     service's slowest consumer group on a live member, none of the killed one's left; NaN when
   *     not seen within a minute
   * @param groups per consumer group, its seconds (NaN: not seen)
   */
  public record TakeoverReport(
      String service, String instance, double seconds, Map<String, Double> groups) {}

  /**
   * A target of the issue, next to the figure.
   *
   * @param met null when this run did not measure it
   */
  public record TargetCheck(String name, String target, String actual, Boolean met, String note) {}

  /**
   * {@code --history}: what was pre-loaded, how fast, the topics' sizes afterwards, and each
   * service's restart on top of it.
   *
   * @param resources resources pre-loaded
   * @param records records written, all topics
   * @param megabytes their keys and values, MB (10^6 bytes)
   * @param seconds the writing, until every record was acknowledged
   * @param recordsPerSecond the pre-load's rate
   * @param written records written per topic
   * @param topicSizes records per {@code pledge.*} topic after the restarts (end minus start
   *     offsets, transaction markers included)
   */
  public record HistoryReport(
      int resources,
      long records,
      double megabytes,
      double seconds,
      double recordsPerSecond,
      Map<String, Long> written,
      Map<String, Long> topicSizes,
      List<Restart> restarts) {}

  /**
   * One service's restart on the pre-loaded history.
   *
   * @param stopSeconds SIGTERM until the process was gone
   * @param readySeconds the new process's start until {@code /q/health/ready} answered 200
   * @param wallSeconds the start through {@code deploy/local/up} until ready, {@code up}'s own work
   *     included
   */
  public record Restart(
      String service, double stopSeconds, double readySeconds, double wallSeconds) {}
}
