package io.pledge.cli;

import io.pledge.oci.ContainersConfig;
import io.pledge.oci.ImageReference;
import io.pledge.oci.Skopeo;
import io.pledge.oci.ToolException;
import io.pledge.oci.Umoci;
import io.pledge.oci.build.Containerfile;
import io.pledge.oci.build.ImageBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pledge image}: pipeline images, built and pushed without a container daemon. */
@Command(
    name = "image",
    mixinStandardHelpOptions = true,
    description = "Build and push pipeline images (no Docker daemon needed).",
    subcommands = {ImageCommand.Build.class})
final class ImageCommand extends CommandGroup {

  ImageCommand(CliContext context) {
    super(context);
  }

  /** The daemonless builder, with the registries and credentials skopeo reads. */
  static ImageBuilder builder(CliContext context, Duration timeout) {
    ContainersConfig config = ContainersConfig.fromEnvironment(context.env());
    return new ImageBuilder(
        new Skopeo(Path.of("skopeo"), config), new Umoci(Path.of("umoci"), timeout), timeout);
  }

  /**
   * {@code pledge image build DIR -t REF}: the folder's Containerfile (FROM, COPY/ADD, ENV,
   * WORKDIR, ENTRYPOINT, CMD, USER, LABEL, ARG) becomes an image in the registry. Registries and
   * credentials come from the containers configuration files skopeo uses (registries.conf, the auth
   * file).
   */
  @Command(
      name = "build",
      mixinStandardHelpOptions = true,
      description = {
        "Build the image a folder's Containerfile (or Dockerfile) describes and push it.",
        "RUN is not supported: put files in place with COPY (build binaries beforehand).",
        "Needs skopeo and umoci on the PATH (Debian packages of the same names)."
      })
  static final class Build implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "the build context folder")
    Path dir;

    @Option(
        names = {"-t", "--tag"},
        required = true,
        paramLabel = "REF",
        description = "where to push, e.g. registry.example.com/team/configure:v1 (repeatable)")
    List<String> tags = new ArrayList<>();

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        description = "limit for each pull and push, ISO-8601 (default: ${DEFAULT-VALUE})",
        defaultValue = "PT10M")
    Duration timeout;

    private final CliContext context;

    Build(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      List<ImageReference> targets = new ArrayList<>();
      try {
        for (String tag : tags) {
          targets.add(ImageReference.parse(tag));
        }
      } catch (ImageReference.InvalidReferenceException e) {
        return fail(e.getMessage());
      }
      Path context = this.context.workDir().resolve(dir).normalize();
      if (!Files.isDirectory(context)) {
        return fail("no such folder: " + context);
      }
      ImageBuilder builder = builder(this.context, timeout);
      try {
        for (ImageReference target : targets) {
          String digest = builder.buildAndPush(context, target);
          this.context.out().println("pushed " + target + "@" + digest);
        }
        return 0;
      } catch (Containerfile.InvalidContainerfileException | ToolException e) {
        return fail(e.getMessage());
      } catch (IOException e) {
        return fail("cannot build " + context + ": " + e.getMessage());
      }
    }

    private int fail(String message) {
      context.err().println("error: " + message);
      return PledgeCommand.REFUSED;
    }
  }
}
