package io.pledge.runner.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs a stage under bubblewrap on its image's root filesystem (see {@link BwrapCommand}): what a
 * Kratix pipeline pod's container sees, minus the cluster, in milliseconds.
 */
public final class SandboxExecutor implements StageExecutor {

  static final String INSTALL_HINT = "install bubblewrap: apt-get install -y bubblewrap";

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
            bwrap.toString(), spec, hosts, spec.network() ? hostResolvConf : isolatedResolvConf);
    // bwrap itself needs no environment; the stage's comes through --setenv after --clearenv.
    return supervisor.run(
        argv, Map.of("PATH", "/usr/bin:/bin"), spec.folders().root(), spec.timeout(), cancelled);
  }
}
