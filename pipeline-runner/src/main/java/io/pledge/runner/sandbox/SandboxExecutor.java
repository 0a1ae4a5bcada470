package io.pledge.runner.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs a stage under bubblewrap: the host's system folders read-only, secrets under /etc masked, a
 * private /tmp, /proc and /dev, no network unless the pipeline asks for it, all capabilities
 * dropped, and only the run's three Kratix folders (plus the image folder, read-only) visible.
 */
public final class SandboxExecutor implements StageExecutor {

  static final String INSTALL_HINT = "install bubblewrap: apt-get install -y bubblewrap";

  private final Path bwrap;
  private final List<String> systemMounts;
  private final ProcessSupervisor supervisor;

  public SandboxExecutor(Path bwrap, int maxLogBytes) {
    this.bwrap = bwrap;
    this.systemMounts = BwrapCommand.systemMounts(Path.of("/"));
    this.supervisor = new ProcessSupervisor(maxLogBytes);
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
    List<String> argv = BwrapCommand.build(bwrap.toString(), systemMounts, spec);
    // bwrap itself needs no environment; the stage's comes through --setenv after --clearenv.
    return supervisor.run(
        argv, Map.of("PATH", "/usr/bin:/bin"), spec.folders().root(), spec.timeout(), cancelled);
  }
}
