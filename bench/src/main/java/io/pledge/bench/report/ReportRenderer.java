package io.pledge.bench.report;

import io.pledge.bench.deploy.PidFiles;
import io.pledge.bench.measure.LatencyStats;
import io.pledge.bench.measure.Milestones;
import io.pledge.bench.report.BenchReport.BareReport;
import io.pledge.bench.report.BenchReport.Comparison;
import io.pledge.bench.report.BenchReport.PhaseReport;
import io.pledge.bench.report.BenchReport.ServiceUsage;
import io.pledge.bench.report.BenchReport.TargetCheck;
import io.pledge.bench.verify.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders a {@link BenchReport} as Markdown and as the summary printed at the end. Pure. */
public final class ReportRenderer {

  private ReportRenderer() {}

  /** The stdout summary: the table, the comparison with bare work, the targets, the verdict. */
  public static String summary(BenchReport r) {
    StringBuilder out = new StringBuilder();
    out.append("\n== Pledge benchmark ").append(r.runId()).append(" ==\n\n");
    out.append(
        table(
            List.of(
                "phase",
                "rate",
                "requests",
                "reconciled",
                "req/s",
                "leg",
                "p50",
                "p90",
                "p99",
                "max"),
            phaseRows(r.phases())));
    out.append(detailText(r.phases()));
    for (PhaseReport p : r.phases()) {
      p.problems()
          .forEach(
              problem ->
                  out.append("PROBLEM (")
                      .append(p.name())
                      .append("): ")
                      .append(problem)
                      .append('\n'));
    }
    out.append('\n');
    if (r.comparison() != null) {
      out.append(comparisonText(r.comparison(), r.bare())).append("\n\n");
    }
    out.append(table(usageHeader("process"), usageRows(r.usage())));
    if (hasReplicas(r)) {
      out.append('\n').append(table(usageHeader("instance"), usageRows(r.instances())));
    }
    if (r.history() != null) {
      out.append('\n').append(HistorySection.text(r.history())).append('\n');
      out.append(table(HistorySection.HEADER, HistorySection.rows(r.history(), r.usage())));
    }
    out.append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "State store: %d commits during the measured load; %d distinct SHAs in"
                + " pledge.work.committed over the whole run.%n",
            r.git().commitsDuringLoad(),
            r.git().distinctCommitShas()));
    if (r.machine() != null) {
      out.append(machineText(r.machine()));
    }
    out.append('\n');
    out.append(table(List.of("target", "goal", "actual", "", "note"), targetRows(r.targets())));
    if (r.chaos().enabled() && !r.chaos().takeovers().isEmpty()) {
      out.append('\n')
          .append("Takeover after kill-one (SIGKILL → survivors hold every partition):\n");
      out.append(table(TAKEOVER_HEADER, takeoverRows(r.chaos().takeovers())));
    }
    out.append('\n').append(verdictText(r.verification(), r.chaos().enabled())).append('\n');
    return out.toString();
  }

  /** The Markdown report. */
  public static String markdown(BenchReport r) {
    StringBuilder md = new StringBuilder();
    md.append("# Pledge benchmark ").append(r.runId()).append("\n\n");
    BenchReport.Environment e = r.environment();
    md.append(
        String.format(
            Locale.ROOT,
            "%s → %s on %d cores (%s, %s), load average at start %.2f. Checkout %s. Options: `%s`.%n%n",
            r.started(),
            r.finished(),
            e.cores(),
            e.os(),
            e.java(),
            e.loadAverage(),
            e.checkout(),
            r.options()));
    md.append("## Targets\n\n");
    md.append(
        markdownTable(List.of("target", "goal", "actual", "", "note"), targetRows(r.targets())));
    md.append("\n## Latency and throughput\n\n");
    md.append(
        "Legs: **accept** = request sent → `pledge.request.accepted`; **pipeline** → configure "
            + "`pledge.workflow.completed`; **commit** → `pledge.work.committed` (pushed, SHA known); "
            + "**visible** → the status fold shows Reconciled. Throughput: requests reconciled per "
            + "second between the 10th and 90th percentile completion.\n\n");
    md.append(
        markdownTable(
            List.of(
                "phase",
                "rate",
                "requests",
                "reconciled",
                "req/s",
                "leg",
                "p50",
                "p90",
                "p99",
                "max"),
            phaseRows(r.phases())));
    md.append(
        "\nWhere the time goes, in finer steps (p50 / p99, ms): **accept**; **queue** → "
            + "`pledge.pipeline.started` (the runner's queue); **stage** → `pledge.pipeline.succeeded` "
            + "(the sandboxed stage); **publish** → `pledge.workflow.completed` (the Work published); "
            + "**schedule** → `pledge.work.scheduled` (the writer picked it up); **commit** → "
            + "`pledge.work.committed` (batch, commit, push); **visible**.\n\n");
    md.append(detailText(r.phases()).replace("\n", "\n\n"));
    for (PhaseReport p : r.phases()) {
      if (!p.endToEndByVia().isEmpty()) {
        md.append("\nEnd-to-end by way in, ").append(p.name()).append(": ");
        List<String> parts = new ArrayList<>();
        p.endToEndByVia()
            .forEach(
                (via, s) ->
                    parts.add(
                        String.format(
                            Locale.ROOT,
                            "%s p50 %.1f ms, p99 %.1f ms (%d)",
                            via,
                            s.p50(),
                            s.p99(),
                            s.count())));
        md.append(String.join("; ", parts)).append(".\n");
      }
      for (String problem : p.problems()) {
        md.append("\n- ").append(p.name()).append(": ").append(problem);
      }
    }
    md.append("\n\n![throughput](throughput.png)\n\n![latency](latency.png)\n\n");
    md.append("## Bare work\n\n");
    BareReport b = r.bare();
    if (b != null) {
      md.append(
          String.format(
              Locale.ROOT,
              "- Stage in the sandbox, %d runs one after the other: %.1f runs/s, p50 %.1f ms, p99 %.1f ms (%d failed).%n"
                  + "- One Git commit of %d files (fetch, tree, commit, push over file://): %.2f s, %.0f files/s.%n"
                  + "- Kafka, one hop: round trip p50 %.2f ms, p99 %.2f ms; %d records in %.2f s, %.0f records/s.%n"
                  + "- Bare work per request (stage + its share of the commit + one hop): **%.1f requests/s**.%n%n",
              b.stageRuns(),
              b.stagePerSecond(),
              b.stageLatency().p50(),
              b.stageLatency().p99(),
              b.stageFailures(),
              b.gitFiles(),
              b.gitSeconds(),
              b.gitFilesPerSecond(),
              b.kafkaRoundTrip().p50(),
              b.kafkaRoundTrip().p99(),
              b.kafkaRecords(),
              b.kafkaSeconds(),
              b.kafkaPerSecond(),
              b.perSecond()));
    } else {
      md.append("Not measured.\n\n");
    }
    if (r.comparison() != null) {
      md.append(comparisonText(r.comparison(), b)).append("\n\n");
    }
    md.append("## Resources\n\n");
    md.append(markdownTable(usageHeader("process"), usageRows(r.usage())));
    if (hasReplicas(r)) {
      md.append("\nPer instance (the rows above are their sums):\n\n");
      md.append(markdownTable(usageHeader("instance"), usageRows(r.instances())));
    }
    if (r.machine() != null) {
      md.append('\n').append(machineText(r.machine()));
    }
    if (r.history() != null) {
      md.append("\n## Ready after restart (history)\n\n");
      md.append(HistorySection.text(r.history())).append("\n\n");
      md.append(markdownTable(HistorySection.HEADER, HistorySection.rows(r.history(), r.usage())));
      md.append(
          "\n**ready s**: the new process's start until `/q/health/ready` answered 200;"
              + " **with up s**: from `deploy/local/up` on; **peak RSS MB**: the highest VmHWM of"
              + " the service over the run, so of the incarnation that replayed the history and"
              + " served the load.\n");
    }
    md.append("\n![memory](memory.png)\n\n");
    md.append("## State store\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "%d commits during the measured load (%d → %d on the branch); %d distinct commit SHAs in `pledge.work.committed` over the whole run (warm-up included).%n%n",
            r.git().commitsDuringLoad(),
            r.git().commitsBefore(),
            r.git().commitsAfter(),
            r.git().distinctCommitShas()));
    md.append("## Chaos\n\n");
    if (r.chaos().enabled()) {
      md.append("Seed ").append(r.chaos().seed()).append(".\n\n");
      for (String f : r.chaos().faults()) {
        md.append("- ").append(f).append('\n');
      }
      md.append(
          String.format(
              Locale.ROOT,
              "%nREST answers retried: %d. Calls the stubs refused on purpose: Slack %d, billing %d.%n%n",
              r.chaos().restRetries(),
              r.chaos().slackRefused(),
              r.chaos().billingRefused()));
      if (!r.chaos().takeovers().isEmpty()) {
        md.append(TAKEOVER_TEXT).append("\n\n");
        md.append(markdownTable(TAKEOVER_HEADER, takeoverRows(r.chaos().takeovers()))).append('\n');
      }
    } else {
      md.append("Off.\n\n");
    }
    md.append("## Verification\n\n").append(verdictText(r.verification(), r.chaos().enabled()));
    Verdict v = r.verification();
    if (v != null) {
      appendList(md, "Lost", v.lost());
      appendList(md, "Doubled", v.doubled());
      appendList(md, "Notifications lost", v.lostNotifications());
      appendList(md, "Notifications doubled", v.doubledNotifications());
    }
    md.append("\n## Status events\n\n");
    r.statusEvents()
        .forEach((k, n) -> md.append("- `").append(k).append("`: ").append(n).append('\n'));
    if (!r.notificationOutcomes().isEmpty()) {
      md.append("\nNotification outcomes: ").append(r.notificationOutcomes()).append('\n');
    }
    return md.toString();
  }

  /** Whether the processes ran as replicas: some service had two or more instances. */
  static boolean hasReplicas(BenchReport r) {
    return r.instances() != null && hasReplicas(r.instances());
  }

  /**
   * Whether some service has two or more instance rows. deploy/local names its one instance {@code
   * <service>-1} too, so a name alone does not tell replicas.
   */
  static boolean hasReplicas(List<ServiceUsage> instances) {
    return instances.stream()
        .collect(Collectors.groupingBy(u -> PidFiles.service(u.name()), Collectors.counting()))
        .values()
        .stream()
        .anyMatch(n -> n > 1);
  }

  /** One line per phase: p50 / p99 of each finer step. */
  static String detailText(List<PhaseReport> phases) {
    StringBuilder sb = new StringBuilder();
    for (PhaseReport p : phases) {
      if (p.detail() == null || p.detail().isEmpty()) {
        continue;
      }
      List<String> parts = new ArrayList<>();
      p.detail().forEach((step, s) -> parts.add(step + " " + num(s.p50()) + " / " + num(s.p99())));
      sb.append("steps (")
          .append(p.name())
          .append(", p50 / p99 ms): ")
          .append(String.join(", ", parts))
          .append('\n');
    }
    return sb.toString();
  }

  static String machineText(BenchReport.MachineUsage m) {
    return String.format(
        Locale.ROOT,
        "Machine over the measured load (%.0f s): %.0f of %.0f CPU-seconds busy, %.0f of them outside"
            + " Pledge and the harness (other work on the machine).%n",
        m.seconds(),
        m.busySeconds(),
        m.capacitySeconds(),
        m.otherBusySeconds());
  }

  static String comparisonText(Comparison c, BareReport b) {
    return String.format(
        Locale.ROOT,
        "Pledge %.1f req/s (%s%s) vs bare work %.1f req/s: ratio %.2f. "
            + "End-to-end p50 %.1f ms / p99 %.1f ms over the bare stage's p50 %.1f ms / p99 %.1f ms: "
            + "overhead %.1f ms (p50), %.1f ms (p99).",
        c.pledgePerSecond(),
        c.phase(),
        "max".equals(c.rate()) ? "" : ", sent at " + c.rate() + ": not a capacity",
        c.barePerSecond(),
        c.ratio(),
        c.endToEndP50(),
        c.endToEndP99(),
        c.stageP50(),
        c.stageP99(),
        c.overheadP50(),
        c.overheadP99());
  }

  static String verdictText(Verdict v, boolean chaos) {
    if (v == null) {
      return "Verification: not run.";
    }
    return String.format(
        Locale.ROOT,
        "Verification%s: %d accepted requests on %d resources. Lost: %d/%d requests (%d resources), "
            + "%d notifications. Doubled: %d resources written twice, %d empty commits, %d notifications "
            + "(%d billing retries de-duplicated by Idempotency-Key). %s",
        chaos ? " after chaos" : "",
        v.requestsAccepted(),
        v.resources(),
        v.lostRequests(),
        v.requestsAccepted(),
        v.lostResources(),
        v.notificationsLost(),
        v.doubledResources(),
        v.emptyCommits(),
        v.notificationsDoubled(),
        v.billingResent(),
        v.ok() ? "OK: nothing lost, nothing doubled." : "FAILED.");
  }

  private static void appendList(StringBuilder md, String title, List<String> items) {
    if (items == null || items.isEmpty()) {
      return;
    }
    md.append("\n").append(title).append(" (first ").append(items.size()).append("):\n\n");
    items.forEach(i -> md.append("- ").append(i).append('\n'));
  }

  static List<List<String>> phaseRows(List<PhaseReport> phases) {
    List<List<String>> rows = new ArrayList<>();
    for (PhaseReport p : phases) {
      boolean first = true;
      List<String> legs = new ArrayList<>(List.of(Milestones.LEGS));
      legs.add(Milestones.LEG_E2E);
      for (String leg : legs) {
        LatencyStats s = p.legs().getOrDefault(leg, LatencyStats.EMPTY);
        rows.add(
            List.of(
                first ? p.name() : "",
                first ? p.rate() : "",
                first ? Integer.toString(p.requests()) : "",
                first ? Integer.toString(p.reconciled()) : "",
                first ? num(p.sustainedPerSecond()) : "",
                leg,
                num(s.p50()),
                num(s.p90()),
                num(s.p99()),
                num(s.max())));
        first = false;
      }
    }
    return rows;
  }

  /** The header of a usage table whose rows are named by {@code first} (process or instance). */
  static List<String> usageHeader(String first) {
    return List.of(
        first,
        "CPU s",
        "+children s",
        "CPU ms/req",
        "idle ms/s",
        "ms/req above idle",
        "peak RSS MB",
        "starts");
  }

  static List<List<String>> usageRows(List<ServiceUsage> usage) {
    List<List<String>> rows = new ArrayList<>();
    for (ServiceUsage u : usage) {
      rows.add(
          List.of(
              u.name(),
              num(u.cpuSeconds()),
              num(u.childCpuSeconds()),
              num(u.cpuMillisPerRequest()),
              num(u.idleMillisPerSecond()),
              num(u.cpuMillisPerRequestAboveIdle()),
              String.format(Locale.ROOT, "%.0f", u.peakRssMb()),
              Integer.toString(u.incarnations())));
    }
    return rows;
  }

  static List<List<String>> targetRows(List<TargetCheck> targets) {
    List<List<String>> rows = new ArrayList<>();
    for (TargetCheck t : targets) {
      String mark = t.met() == null ? "n/a" : t.met() ? "met" : "MISSED";
      rows.add(List.of(t.name(), t.target(), t.actual(), mark, t.note() == null ? "" : t.note()));
    }
    return rows;
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
  }

  /** A plain-text table with aligned columns. */
  static final List<String> TAKEOVER_HEADER =
      List.of("service", "killed", "takeover s", "per consumer group s");

  static final String TAKEOVER_TEXT =
      "**Takeover** after `kill-one`: from the SIGKILL of the instance to the first description of"
          + " the service's consumer groups (Admin `describeConsumerGroups`, every 100 ms) in which"
          + " each group is Stable, none of the killed instance's members is left and every"
          + " partition of its topics is assigned to a live member; the service's figure is its"
          + " slowest group. A killed member leaves only at its session timeout"
          + " (`kafka.session.timeout.ms`, 6 s), so that bounds it from below.";

  static List<List<String>> takeoverRows(List<BenchReport.TakeoverReport> takeovers) {
    List<List<String>> rows = new ArrayList<>();
    for (BenchReport.TakeoverReport t : takeovers) {
      List<String> groups = new ArrayList<>();
      t.groups().forEach((g, s) -> groups.add(g + " " + seconds(s)));
      rows.add(List.of(t.service(), t.instance(), seconds(t.seconds()), String.join(", ", groups)));
    }
    return rows;
  }

  private static String seconds(double s) {
    return Double.isNaN(s) ? "not seen" : String.format(Locale.ROOT, "%.1f", s);
  }

  static String table(List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      width[i] = header.get(i).length();
    }
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    appendRow(sb, header, width);
    List<String> rule = new ArrayList<>();
    for (int w : width) {
      rule.add("-".repeat(w));
    }
    appendRow(sb, rule, width);
    rows.forEach(row -> appendRow(sb, row, width));
    return sb.toString();
  }

  private static void appendRow(StringBuilder sb, List<String> cells, int[] width) {
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      sb.append(
          i == 0
              ? c + " ".repeat(width[i] - c.length())
              : "  " + " ".repeat(width[i] - c.length()) + c);
    }
    sb.append('\n');
  }

  static String markdownTable(List<String> header, List<List<String>> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| ").append(String.join(" | ", header)).append(" |\n");
    sb.append("|").append("---|".repeat(header.size())).append('\n');
    for (List<String> row : rows) {
      sb.append("| ")
          .append(String.join(" | ", row.stream().map(c -> c.replace("|", "\\|")).toList()))
          .append(" |\n");
    }
    return sb.toString();
  }
}
