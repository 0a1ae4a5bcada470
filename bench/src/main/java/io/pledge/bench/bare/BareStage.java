package io.pledge.bench.bare;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.bench.load.PlannedRequest;
import io.pledge.bench.load.RequestDocuments;
import io.pledge.bench.measure.LatencyStats;
import io.pledge.contract.kratix.KratixDocuments;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark stage with nothing around it: the same entrypoint, in the same bubblewrap sandbox
 * pipeline-runner builds (its {@code sandbox/BwrapCommand}: host system folders read-only, secrets
 * masked, private /proc /dev /tmp, every namespace unshared, capabilities dropped, a cleared
 * environment with the {@code KRATIX_*} variables, the three Kratix folders and the image folder),
 * run one at a time in a loop. Each run gets fresh folders with an {@code object.yaml} as the
 * runner writes it, and its output is read back, as the runner does.
 */
public final class BareStage {

  /** What a loop of runs measured. */
  public record Result(int runs, double seconds, LatencyStats latency, int failures) {
    public double perSecond() {
      return seconds <= 0 ? Double.NaN : runs / seconds;
    }
  }

  static final List<String> SYSTEM_PATHS =
      List.of("/usr", "/etc", "/lib", "/lib64", "/bin", "/sbin");
  static final List<String> MASKED_FILES =
      List.of("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-");
  static final List<String> MASKED_DIRS = List.of("/etc/ssh", "/etc/ssl/private", "/etc/sudoers.d");
  static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final Path bwrap;
  private final Path imageFolder;
  private final Path workDir;

  public BareStage(Path bwrap, Path imageFolder, Path workDir) {
    this.bwrap = bwrap;
    this.imageFolder = imageFolder;
    this.workDir = workDir;
  }

  /** Runs the stage {@code runs} times, one after the other. */
  public Result loop(int runs, int payloadBytes) throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    List<String> mounts = systemMounts();
    long[] micros = new long[runs];
    int failures = 0;
    long start = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      if (!runOnce(mounts, i, payloadBytes)) {
        failures++;
      }
      micros[i] = (System.nanoTime() - t0) / 1_000;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(runs, seconds, LatencyStats.ofMicros(micros), failures);
  }

  private boolean runOnce(List<String> mounts, int i, int payloadBytes)
      throws IOException, InterruptedException {
    Path root = Files.createTempDirectory(workDir, "run-");
    Path input = Files.createDirectory(root.resolve("input"));
    Path output = Files.createDirectory(root.resolve("output"));
    Path metadata = Files.createDirectory(root.resolve("metadata"));
    try {
      String name = String.format("b-%06d", i);
      PlannedRequest request =
          new PlannedRequest(i, null, name, io.pledge.bench.load.Via.REST, 0, i + 1);
      ObjectNode doc = RequestDocuments.of(request, payloadBytes);
      ((ObjectNode) doc.get("metadata")).put("generation", 1);
      Files.writeString(input.resolve("object.yaml"), KratixDocuments.toYaml(doc));
      List<String> argv = argv(mounts, input, output, metadata, env(name));
      Process p =
          new ProcessBuilder(argv)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .directory(root.toFile())
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      Path manifest = output.resolve("manifest.yaml");
      return p.exitValue() == 0
          && Files.exists(manifest)
          && Files.readString(manifest).length() > 0;
    } finally {
      delete(root);
    }
  }

  static Map<String, String> env(String name) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", PATH);
    env.put("HOME", "/tmp");
    env.put("KRATIX_WORKFLOW_ACTION", "configure");
    env.put("KRATIX_WORKFLOW_TYPE", "resource");
    env.put("KRATIX_PROMISE_NAME", "bench");
    env.put("KRATIX_PIPELINE_NAME", "render");
    env.put("KRATIX_OBJECT_KIND", RequestDocuments.KIND);
    env.put("KRATIX_OBJECT_GROUP", "bench.pledge.io");
    env.put("KRATIX_OBJECT_VERSION", "v1");
    env.put("KRATIX_OBJECT_NAME", name);
    env.put("KRATIX_OBJECT_NAMESPACE", "load");
    env.put("KRATIX_CRD_PLURAL", "benchmarks");
    env.put("KRATIX_CLUSTER_SCOPED", "false");
    return env;
  }

  List<String> argv(
      List<String> mounts, Path input, Path output, Path metadata, Map<String, String> env) {
    List<String> argv = new ArrayList<>();
    argv.add(bwrap.toString());
    argv.addAll(mounts);
    argv.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
    argv.add("--unshare-all");
    argv.addAll(List.of("--die-with-parent", "--new-session", "--cap-drop", "ALL"));
    argv.addAll(List.of("--ro-bind", input.toString(), "/kratix/input"));
    argv.addAll(List.of("--bind", output.toString(), "/kratix/output"));
    argv.addAll(List.of("--bind", metadata.toString(), "/kratix/metadata"));
    argv.addAll(List.of("--ro-bind", imageFolder.toString(), "/pledge/image"));
    argv.add("--clearenv");
    env.forEach((k, v) -> argv.addAll(List.of("--setenv", k, v)));
    argv.addAll(List.of("--chdir", "/", "--", "/pledge/image/entrypoint"));
    return argv;
  }

  static List<String> systemMounts() {
    List<String> args = new ArrayList<>();
    Path hostRoot = Path.of("/");
    for (String path : SYSTEM_PATHS) {
      Path host = hostRoot.resolve(path.substring(1));
      if (Files.isSymbolicLink(host)) {
        try {
          args.addAll(List.of("--symlink", Files.readSymbolicLink(host).toString(), path));
        } catch (IOException e) {
          // unreadable: as good as absent
        }
      } else if (Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
        args.addAll(List.of("--ro-bind", host.toString(), path));
      }
    }
    for (String file : MASKED_FILES) {
      if (Files.exists(hostRoot.resolve(file.substring(1)), LinkOption.NOFOLLOW_LINKS)) {
        args.addAll(List.of("--ro-bind", "/dev/null", file));
      }
    }
    for (String dir : MASKED_DIRS) {
      if (Files.isDirectory(hostRoot.resolve(dir.substring(1)), LinkOption.NOFOLLOW_LINKS)) {
        args.addAll(List.of("--tmpfs", dir));
      }
    }
    return args;
  }

  static void delete(Path root) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
