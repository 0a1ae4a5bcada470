package io.pledge.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The command line of the harness. {@code bench/run} passes its arguments through unchanged.
 *
 * @param requests measured requests (warm-up not counted)
 * @param rate requests per second, or null for "as fast as possible" ({@code --max}); ignored when
 *     {@code twoPhases}
 * @param twoPhases neither {@code --rate} nor {@code --max} given (and no chaos): a latency phase
 *     at {@link #LATENCY_RATE} requests per second, then a throughput phase as fast as possible
 * @param resources distinct resources the requests go to (fewer than requests: updates)
 * @param via how requests travel: {@code rest}, {@code inbound} or {@code both}
 * @param chaos inject faults while the load runs
 * @param services the services that chaos may kill
 * @param faults the kinds of fault chaos injects
 * @param warmup requests sent (and drained) before measuring, on resources of their own
 * @param concurrency REST requests in flight at most
 * @param payloadBytes filler bytes in each request's spec
 * @param bareRuns sandbox runs of the bare stage loop
 * @param seed random seed of the chaos schedule
 * @param stallTimeout give up when nothing is reconciled for this long while waiting
 * @param history resources pre-loaded in namespace {@code history} before the load (0: none), each
 *     service then restarted and timed to readiness
 * @param replicas instances of each service ({@code PLEDGE_REPLICAS} for deploy/local/up, 1–9)
 * @param idleSeconds seconds with no load, after the warm-up, over which each process's idle CPU is
 *     measured (0: not measured)
 */
public record BenchOptions(
    int requests,
    Double rate,
    boolean twoPhases,
    int resources,
    String via,
    boolean chaos,
    List<String> services,
    List<String> faults,
    int warmup,
    int concurrency,
    int payloadBytes,
    int bareRuns,
    long seed,
    Duration stallTimeout,
    int history,
    int replicas,
    int idleSeconds) {

  /** The rate of the latency phase, as the latency targets are stated at it. */
  public static final double LATENCY_RATE = 10.0;

  /** The highest rate a chaos run picks by itself. */
  public static final double CHAOS_RATE = 10.0;

  public static final List<String> ALL_SERVICES =
      List.of("request-intake", "pipeline-runner", "state-writer", "notifier");

  /** The faults of a chaos run with one instance per service: the default there. */
  public static final List<String> ALL_FAULTS =
      List.of("kill", "broker", "git", "stubs", "push-kill", "poison");

  /**
   * SIGKILL one instance of each service and leave it down: only with {@code --replicas} 2 or more,
   * where it is part of the default faults (a lone instance has no survivor to take over).
   */
  public static final String KILL_ONE = "kill-one";

  /** deploy/local/lib.sh steps instance ports by 100 and refuses more than nine. */
  public static final int MAX_REPLICAS = 9;

  private static final List<String> VALUED =
      List.of(
          "--requests",
          "--rate",
          "--resources",
          "--via",
          "--services",
          "--faults",
          "--warmup",
          "--concurrency",
          "--payload-bytes",
          "--bare-runs",
          "--seed",
          "--stall-timeout",
          "--history",
          "--replicas",
          "--idle");

  public static final String USAGE =
      """
      usage: bench/run [--requests N] [--rate R | --max] [--resources K] [--via rest|inbound|both]
                       [--chaos] [--services a,b] [--faults kill,broker,git,...] [--warmup W]
                       [--concurrency C] [--payload-bytes B] [--bare-runs M] [--seed S]
                       [--stall-timeout SECONDS] [--history N] [--replicas N] [--idle S]
                       [--keep] [--profile]

        --requests N       measured requests (default 10000)
        --rate R           send at R requests/s; --max sends as fast as Pledge takes them.
                           Neither: a latency phase (min(300, N/4) requests at 10/s), then the
                           rest as fast as possible (a throughput phase). With --chaos: a rate
                           (at most 10/s) at which the load outlasts the faults.
        --resources K      distinct resources (default N; N/2 with --chaos): fewer means updates
        --via              rest, inbound (CloudEvents on pledge.requests.inbound) or both (default:
                           both, half of the resources each)
        --chaos            SIGKILL services and restart them, restart the broker, make the Git remote
                           refuse pushes and the Slack/billing stubs answer 503, SIGKILL the writer
                           inside a push, send poison inbound events, then verify that nothing was
                           lost or doubled
        --faults           kinds of fault: kill, broker, git, stubs, push-kill, poison, and with
                           --replicas 2 or more kill-one (SIGKILL the last instance of each service,
                           one after the other, never restarted; times the survivors' takeover of
                           the consumer groups) (default: all)
        --services         services chaos may kill (default: all four)
        --warmup W         requests before measuring, on their own resources (default 50)
        --concurrency C    REST requests in flight (default 16)
        --payload-bytes B  filler in each spec (default 256)
        --bare-runs M      runs of the bare sandbox loop (default min(N, 2000))
        --seed S           chaos schedule seed (default: random, printed)
        --stall-timeout S  give up when nothing gets reconciled for S seconds (default 120; 300 with --chaos)
        --history N        before the load, write N resources' past (about 10 status events each,
                           their requests, runner, placement, ledger and log records; no Works, Git
                           untouched) in namespace history, then restart each service and time it
                           until ready (default 0: none)
        --replicas N       run N instances of each service (PLEDGE_REPLICAS, 1 to 9; default 1);
                           REST requests go round-robin over the intake instances
        --idle S           after the warm-up, measure each process's CPU for S seconds with no
                           load (default 15; 0: not), so the report can show CPU per request
                           above each instance's idle cost
        --keep             (bench/run) keep the broker's data and the service copies afterwards
        --profile          (bench/run) record the services with JFR; report.md gets where their CPU went
      """;

  /** Reads the arguments; throws {@link IllegalArgumentException} with a message on a bad one. */
  public static BenchOptions parse(String... args) {
    int requests = 10_000;
    Double rate = null;
    boolean max = false;
    Integer resources = null;
    String via = "both";
    boolean chaos = false;
    List<String> services = ALL_SERVICES;
    List<String> faults = ALL_FAULTS;
    int warmup = 50;
    int concurrency = 16;
    int payloadBytes = 256;
    Integer bareRuns = null;
    Long seed = null;
    Integer stall = null;
    int history = 0;
    int replicas = 1;
    int idle = 15;
    List<String> chosenFaults = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "--max" -> max = true;
        case "--chaos" -> chaos = true;
        case "--keep", "--profile" -> {
          // bench/run's options; nothing to do here.
        }
        case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
        default -> {
          if (!VALUED.contains(arg)) {
            throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
          }
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(arg + " needs a value\n" + USAGE);
            }
            value = args[++i];
          }
          switch (arg) {
            case "--requests" -> requests = positive(arg, value);
            case "--rate" -> rate = positiveDouble(arg, value);
            case "--resources" -> resources = positive(arg, value);
            case "--via" -> via = oneOf(arg, value, List.of("rest", "inbound", "both"));
            case "--services" -> services = subset(arg, value, ALL_SERVICES, true);
            case "--faults" -> chosenFaults = subset(arg, value, knownFaults(), false);
            case "--warmup" -> warmup = nonNegative(arg, value);
            case "--concurrency" -> concurrency = positive(arg, value);
            case "--payload-bytes" -> payloadBytes = nonNegative(arg, value);
            case "--bare-runs" -> bareRuns = positive(arg, value);
            case "--seed" -> seed = Long.parseLong(value);
            case "--stall-timeout" -> stall = positive(arg, value);
            case "--history" -> history = nonNegative(arg, value);
            case "--replicas" -> replicas = replicas(arg, value);
            case "--idle" -> idle = nonNegative(arg, value);
            default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
          }
        }
      }
    }
    if (max && rate != null) {
      throw new IllegalArgumentException("--rate and --max exclude each other");
    }
    if (chosenFaults != null) {
      if (chosenFaults.contains(KILL_ONE) && replicas < 2) {
        throw new IllegalArgumentException(
            "--faults kill-one needs --replicas 2 or more: a lone instance has no survivor");
      }
      faults = chosenFaults;
    } else if (replicas >= 2) {
      List<String> all = new ArrayList<>(ALL_FAULTS);
      all.add(KILL_ONE);
      faults = List.copyOf(all);
    }
    boolean twoPhases = !max && rate == null && !chaos;
    if (chaos && !max && rate == null) {
      rate = chaosRate(requests, faults, services);
    }
    int k = resources != null ? resources : chaos ? Math.max(1, requests / 2) : requests;
    return new BenchOptions(
        requests,
        max ? null : rate,
        twoPhases,
        Math.min(k, requests),
        via,
        chaos,
        services,
        faults,
        warmup,
        concurrency,
        payloadBytes,
        bareRuns != null ? bareRuns : Math.min(requests, 2000),
        seed != null ? seed : System.nanoTime(),
        Duration.ofSeconds(stall != null ? stall : chaos ? 300 : 120),
        history,
        replicas,
        idle);
  }

  /**
   * The rate of a chaos run unless told otherwise: at most {@link #CHAOS_RATE}, and slow enough
   * that the load lasts a quarter longer than the faults are expected to take, so they all hit
   * requests in flight.
   */
  static double chaosRate(int requests, List<String> faults, List<String> services) {
    double seconds =
        1.25 * io.pledge.bench.chaos.ChaosPlan.expectedMillis(faults, services) / 1000.0;
    double rate = seconds <= 0 ? CHAOS_RATE : requests / seconds;
    return Math.max(0.5, Math.min(CHAOS_RATE, Math.round(rate * 10) / 10.0));
  }

  /** Requests of the latency phase of a two-phase run. */
  public int latencyRequests() {
    return twoPhases ? Math.max(1, Math.min(300, requests / 4)) : 0;
  }

  private static int positive(String name, String value) {
    int n = integer(name, value);
    if (n < 1) {
      throw new IllegalArgumentException(name + " must be at least 1");
    }
    return n;
  }

  private static int replicas(String name, String value) {
    int n = integer(name, value);
    if (n < 1 || n > MAX_REPLICAS) {
      throw new IllegalArgumentException(name + " is from 1 to " + MAX_REPLICAS + ", not " + n);
    }
    return n;
  }

  private static List<String> knownFaults() {
    List<String> known = new ArrayList<>(ALL_FAULTS);
    known.add(KILL_ONE);
    return known;
  }

  private static int nonNegative(String name, String value) {
    int n = integer(name, value);
    if (n < 0) {
      throw new IllegalArgumentException(name + " must not be negative");
    }
    return n;
  }

  private static int integer(String name, String value) {
    try {
      return Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " takes a whole number, not " + value);
    }
  }

  private static double positiveDouble(String name, String value) {
    try {
      double d = Double.parseDouble(value);
      if (!(d > 0)) {
        throw new IllegalArgumentException(name + " must be above 0");
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " takes a number, not " + value);
    }
  }

  private static String oneOf(String name, String value, List<String> allowed) {
    String v = value.toLowerCase(Locale.ROOT);
    if (!allowed.contains(v)) {
      throw new IllegalArgumentException(name + " is one of " + allowed + ", not " + value);
    }
    return v;
  }

  private static List<String> subset(
      String name, String value, List<String> allowed, boolean services) {
    List<String> chosen = new ArrayList<>();
    for (String part : Arrays.asList(value.split(","))) {
      String v = part.trim().toLowerCase(Locale.ROOT);
      if (v.isEmpty()) {
        continue;
      }
      if (services) {
        v = serviceName(v);
      }
      if (!allowed.contains(v)) {
        throw new IllegalArgumentException(name + " takes some of " + allowed + ", not " + part);
      }
      if (!chosen.contains(v)) {
        chosen.add(v);
      }
    }
    return List.copyOf(chosen);
  }

  /** Short names: intake, runner, writer, notifier. */
  static String serviceName(String v) {
    return switch (v) {
      case "intake" -> "request-intake";
      case "runner" -> "pipeline-runner";
      case "writer" -> "state-writer";
      default -> v;
    };
  }
}
