package io.pledge.runner.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Development only: runs a stage as a plain child process with the service's own rights. The
 * stage's command has {@code /kratix/...} and {@code /pledge/image} rewritten to the run's host
 * folders, which are also in {@code KRATIX_INPUT}, {@code KRATIX_OUTPUT}, {@code KRATIX_METADATA}
 * and {@code PLEDGE_IMAGE}. Scripts that hard-code {@code /kratix} paths inside their own code do
 * not work here; use the sandbox.
 */
public final class UnsandboxedExecutor implements StageExecutor {

  private final ProcessSupervisor supervisor;

  public UnsandboxedExecutor(int maxLogBytes) {
    this.supervisor = new ProcessSupervisor(maxLogBytes);
  }

  @Override
  public StageResult run(StageSpec spec, BooleanSupplier cancelled) {
    Map<String, String> paths = new LinkedHashMap<>();
    paths.put(RunFolders.INPUT, spec.folders().input().toString());
    paths.put(RunFolders.OUTPUT, spec.folders().output().toString());
    paths.put(RunFolders.METADATA, spec.folders().metadata().toString());
    if (spec.imageFolder() != null) {
      paths.put(StageSpec.IMAGE_MOUNT, spec.imageFolder().toString());
    }
    List<String> argv = new ArrayList<>();
    for (String arg : spec.command()) {
      argv.add(rewrite(arg, paths));
    }
    Map<String, String> env = new LinkedHashMap<>(spec.env());
    env.put("HOME", spec.folders().root().toString());
    env.put("KRATIX_INPUT", spec.folders().input().toString());
    env.put("KRATIX_OUTPUT", spec.folders().output().toString());
    env.put("KRATIX_METADATA", spec.folders().metadata().toString());
    if (spec.imageFolder() != null) {
      env.put("PLEDGE_IMAGE", spec.imageFolder().toString());
    }
    String dir = rewrite(spec.workingDirOrRoot(), paths);
    Path workingDir = "/".equals(dir) ? spec.folders().root() : Path.of(dir);
    return supervisor.run(argv, env, workingDir, spec.timeout(), cancelled);
  }

  private static String rewrite(String arg, Map<String, String> paths) {
    for (Map.Entry<String, String> e : paths.entrySet()) {
      if (arg.equals(e.getKey()) || arg.startsWith(e.getKey() + "/")) {
        return e.getValue() + arg.substring(e.getKey().length());
      }
    }
    return arg;
  }
}
