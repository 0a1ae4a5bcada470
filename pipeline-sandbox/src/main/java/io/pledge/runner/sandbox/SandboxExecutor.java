package io.pledge.runner.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs a stage under bubblewrap on its image's root filesystem (see {@link BwrapCommand}): what a
 * Kratix pipeline pod's container sees, minus the cluster, in milliseconds. Its limits are the
 * kernel's per process and for {@code /tmp}, and a {@link StageWatch} for the sandbox as a whole; a
 * stage stopped by one fails naming it.
 */
public final class SandboxExecutor implements StageExecutor {

  static final String INSTALL_HINT = "install bubblewrap: apt-get install -y bubblewrap";

  /** util-linux's prlimit, which starts bwrap under the stage's per-process limits. */
  static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

  /** A pod's /etc/hosts: loopback names only. */
  static final String HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";

  private final Path bwrap;
  private final ProcessSupervisor supervisor;
  private final Path hosts;
  private final Path isolatedResolvConf;
  private final Path hostResolvConf;

  /**
   * @param etcDir where the sandbox's {@code /etc/hosts} and network-less {@code resolv.conf} are
   *     written
   */
  public SandboxExecutor(Path bwrap, int maxLogBytes, Path etcDir) {
    this.bwrap = bwrap;
    this.supervisor = new ProcessSupervisor(maxLogBytes);
    try {
      Files.createDirectories(etcDir);
      this.hosts = etcDir.resolve("hosts");
      Files.writeString(hosts, HOSTS);
      this.isolatedResolvConf = etcDir.resolve("resolv.conf");
      Files.writeString(
          isolatedResolvConf,
          "# no network: the pipeline did not opt in (label pledge.io/network: \"true\")\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sandbox's /etc files under " + etcDir, e);
    }
    Path resolv = Path.of("/etc/resolv.conf");
    this.hostResolvConf = Files.isReadable(resolv) ? resolv : isolatedResolvConf;
  }

  @Override
  public String unavailableReason() {
    if (!Files.isExecutable(bwrap)) {
      return "the sandbox needs bubblewrap at " + bwrap + " and it is missing: " + INSTALL_HINT;
    }
    if (!Files.isExecutable(PRLIMIT)) {
      return "the sandbox needs prlimit at "
          + PRLIMIT
          + " to limit stages and it is missing: install util-linux";
    }
    return null;
  }

  @Override
  public StageResult run(StageSpec spec, BooleanSupplier cancelled) {
    String unavailable = unavailableReason();
    if (unavailable != null) {
      return StageResult.notStarted(unavailable);
    }
    List<String> argv =
        BwrapCommand.build(
            PRLIMIT.toString(),
            bwrap.toString(),
            spec,
            hosts,
            spec.network() ? hostResolvConf : isolatedResolvConf);
    StageWatch watch = new StageWatch(spec.limits(), spec.folders());
    // bwrap itself needs no environment; the stage's comes through --setenv after --clearenv.
    StageResult result =
        supervisor.run(
            argv,
            Map.of("PATH", "/usr/bin:/bin"),
            spec.folders().root(),
            spec.timeout(),
            cancelled,
            watch::check);
    if (result.limitExceeded() != null || result.exitCode() == null) {
      return result;
    }
    // A stage that exits just after writing too much was not seen by the watch.
    Optional<String> output = watch.checkOutput();
    if (output.isPresent()) {
      return result.withLimitExceeded(output.get());
    }
    if (result.exitCode() != 0) {
      String limit = LimitDiagnosis.explain(spec.limits(), result.exitCode(), result.stderr());
      if (limit != null) {
        return result.withLimitExceeded(limit);
      }
    }
    return result;
  }
}
