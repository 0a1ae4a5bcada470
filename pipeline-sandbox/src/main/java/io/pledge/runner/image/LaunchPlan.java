package io.pledge.runner.image;

import io.pledge.contract.kratix.Pipeline;
import io.pledge.oci.ImageConfig;
import io.pledge.runner.sandbox.RunFolders;
import io.pledge.runner.sandbox.StageLimits;
import io.pledge.runner.sandbox.StageSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a container runs on its image, with Kubernetes' rules exactly:
 *
 * <ul>
 *   <li>{@code command} replaces the image's {@code ENTRYPOINT} (and drops its {@code CMD}); {@code
 *       args} replace {@code CMD}; {@code $(VAR)} in either expands from the container's
 *       environment ({@code $$} escapes); a command name without a slash is looked up on the
 *       image's {@code PATH} inside the sandbox;
 *   <li>the environment is the image's {@code Env}, then the container's {@code env} (the container
 *       wins), then Pledge's own ({@code KRATIX_*}), which nothing can override;
 *   <li>the working directory is the container's {@code workingDir}, else the image's, else {@code
 *       /};
 *   <li>the user is the image's {@code USER}: numeric, or a name looked up in the image's own
 *       {@code /etc/passwd} and {@code /etc/group}; root when unset.
 * </ul>
 *
 * @param argv what to execute
 * @param env the complete environment, in order
 * @param workingDir the working directory
 * @param uid the user id inside the sandbox
 * @param gid the group id inside the sandbox
 */
public record LaunchPlan(
    List<String> argv, Map<String, String> env, String workingDir, int uid, int gid) {

  /** containerd's PATH for an image that sets none. */
  public static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** A container that cannot run on its image; the message says why. */
  public static final class LaunchException extends Exception {
    public LaunchException(String message) {
      super(message);
    }
  }

  /**
   * How a Pipeline's container starts on {@code image}: its command, args, env and workingDir over
   * the image's configuration, {@code pledgeEnv} ({@code KRATIX_*}) last.
   */
  public static LaunchPlan forContainer(
      Pipeline.Container container, ImageStore.Image image, Map<String, String> pledgeEnv)
      throws LaunchException {
    Map<String, String> containerEnv = new LinkedHashMap<>();
    if (container.env() != null) {
      for (Pipeline.EnvVar var : container.env()) {
        if (var.name() != null && !var.name().isBlank()) {
          containerEnv.put(var.name(), var.value() == null ? "" : var.value());
        }
      }
    }
    return of(
        image.config(),
        container.command(),
        container.args(),
        containerEnv,
        container.workingDir(),
        pledgeEnv,
        image.rootfs());
  }

  /** The sandboxed stage this plan launches on {@code rootfs}. */
  public StageSpec stage(
      String name,
      Path rootfs,
      RunFolders folders,
      boolean network,
      Duration timeout,
      StageLimits limits) {
    return new StageSpec(
        name, argv, rootfs, env, workingDir, folders, network, timeout, uid, gid, limits);
  }

  /**
   * @param command the container's {@code command}, or null/empty
   * @param args the container's {@code args}, or null
   * @param containerEnv the container's {@code env}, in order
   * @param containerWorkingDir the container's {@code workingDir}, or null
   * @param pledgeEnv what Pledge sets last ({@code KRATIX_*})
   * @param rootfs the image's root, to read users and groups from
   */
  public static LaunchPlan of(
      ImageConfig image,
      List<String> command,
      List<String> args,
      Map<String, String> containerEnv,
      String containerWorkingDir,
      Map<String, String> pledgeEnv,
      Path rootfs)
      throws LaunchException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String entry : image.env()) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    env.putIfAbsent("PATH", DEFAULT_PATH);
    Map<String, String> expansion = new LinkedHashMap<>(env);
    for (Map.Entry<String, String> var : containerEnv.entrySet()) {
      // Kubernetes expands $(VAR) in env values from the variables defined before them.
      String value = expand(var.getValue() == null ? "" : var.getValue(), expansion);
      env.put(var.getKey(), value);
      expansion.put(var.getKey(), value);
    }
    env.putAll(pledgeEnv);
    expansion.putAll(pledgeEnv);

    List<String> argv = new ArrayList<>();
    boolean hasCommand = command != null && !command.isEmpty();
    if (hasCommand) {
      command.forEach(c -> argv.add(expand(c, expansion)));
      if (args != null) {
        args.forEach(a -> argv.add(expand(a, expansion)));
      }
    } else {
      argv.addAll(image.entrypoint());
      if (args != null && !args.isEmpty()) {
        args.forEach(a -> argv.add(expand(a, expansion)));
      } else {
        argv.addAll(image.cmd());
      }
    }
    if (argv.isEmpty()) {
      throw new LaunchException(
          "nothing to run: the image has no ENTRYPOINT or CMD and the container no command");
    }
    String workingDir =
        containerWorkingDir != null && !containerWorkingDir.isBlank()
            ? containerWorkingDir
            : image.workingDir() != null ? image.workingDir() : "/";
    int[] ids = user(image.user(), rootfs);
    env.putIfAbsent("HOME", home(ids[0], rootfs));
    return new LaunchPlan(List.copyOf(argv), env, workingDir, ids[0], ids[1]);
  }

  /** Kubernetes' {@code $(VAR)} expansion: unknown references stay as written, {@code $$} is $. */
  static String expand(String text, Map<String, String> vars) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '$' && i + 1 < text.length()) {
        char next = text.charAt(i + 1);
        if (next == '$') {
          out.append('$');
          i += 2;
          continue;
        }
        if (next == '(') {
          int close = text.indexOf(')', i + 2);
          if (close > 0) {
            String name = text.substring(i + 2, close);
            if (vars.containsKey(name)) {
              out.append(vars.get(name));
              i = close + 1;
              continue;
            }
          }
        }
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  private static int[] user(String user, Path rootfs) throws LaunchException {
    if (user == null || user.isBlank()) {
      return new int[] {0, 0};
    }
    String[] parts = user.split(":", 2);
    String[] passwd = null;
    int uid;
    if (parts[0].matches("[0-9]+")) {
      uid = Integer.parseInt(parts[0]);
      passwd = entry(rootfs, "etc/passwd", 2, parts[0]);
    } else {
      passwd = entry(rootfs, "etc/passwd", 0, parts[0]);
      if (passwd == null) {
        throw new LaunchException(
            "the image's USER " + parts[0] + " is not in the image's /etc/passwd");
      }
      uid = Integer.parseInt(passwd[2]);
    }
    int gid;
    if (parts.length == 2) {
      if (parts[1].matches("[0-9]+")) {
        gid = Integer.parseInt(parts[1]);
      } else {
        String[] group = entry(rootfs, "etc/group", 0, parts[1]);
        if (group == null) {
          throw new LaunchException(
              "the image's USER group " + parts[1] + " is not in the image's /etc/group");
        }
        gid = Integer.parseInt(group[2]);
      }
    } else {
      gid = passwd != null && passwd[3].matches("[0-9]+") ? Integer.parseInt(passwd[3]) : 0;
    }
    return new int[] {uid, gid};
  }

  private static String home(int uid, Path rootfs) {
    String[] passwd = entry(rootfs, "etc/passwd", 2, String.valueOf(uid));
    return passwd != null && passwd.length > 5 && !passwd[5].isBlank() ? passwd[5] : "/";
  }

  /** The colon-separated line of a passwd-style file whose field {@code field} is {@code value}. */
  private static String[] entry(Path rootfs, String file, int field, String value) {
    Path path = rootfs.resolve(file);
    // A link could point at the runner host's own files: an image's users come from its own.
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
        || Files.isSymbolicLink(path.getParent())) {
      return null;
    }
    try {
      for (String line : Files.readAllLines(path)) {
        String[] fields = line.split(":", -1);
        if (fields.length > Math.max(field, 3) && fields[field].equals(value)) {
          return fields;
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }
}
