package io.pledge.runner.image;

import io.pledge.contract.kratix.Pipeline;
import io.pledge.runner.sandbox.StageSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Turns a container into what the sandbox runs: the image's folder and the command line. A
 * container with only an image runs {@code /pledge/image/entrypoint} (plus its {@code args}); a
 * {@code command} replaces the entrypoint, as in Kubernetes.
 */
public final class ImageResolver {

  /** What to run for a container. */
  public record Resolved(Path imageFolder, List<String> command) {}

  /** A container that cannot run here; the message names the image. */
  public static final class UnknownImageException extends Exception {
    public UnknownImageException(String message) {
      super(message);
    }
  }

  private final Supplier<ImageCatalog> loader;
  private volatile ImageCatalog catalog;

  /**
   * @param loader reads the catalogs; called at first use and again when an image is missing, so
   *     catalogs added while the service runs are found
   */
  public ImageResolver(Supplier<ImageCatalog> loader) {
    this.loader = loader;
  }

  public Resolved resolve(Pipeline.Container container) throws UnknownImageException {
    String image = container.image();
    if (image == null || image.isBlank()) {
      throw new UnknownImageException("container " + container.name() + " has no image");
    }
    Path folder;
    try {
      folder = catalog().folder(image).orElse(null);
      if (folder == null) {
        catalog = loader.get();
      }
    } catch (RuntimeException e) {
      catalog = null;
      throw new UnknownImageException("image " + image + " cannot be looked up: " + e.getMessage());
    }
    if (folder == null) {
      folder =
          catalog
              .folder(image)
              .orElseThrow(
                  () ->
                      new UnknownImageException(
                          "image "
                              + image
                              + " of container "
                              + container.name()
                              + " is in no image catalog (map it to a folder in an images.yaml)"));
    }
    if (!Files.isDirectory(folder)) {
      throw new UnknownImageException(
          "image " + image + " maps to " + folder + ", which is not a folder");
    }
    List<String> command = new ArrayList<>();
    if (container.command() != null && !container.command().isEmpty()) {
      command.addAll(container.command());
    } else {
      Path entrypoint = folder.resolve(ImageCatalog.ENTRYPOINT);
      if (!Files.isRegularFile(entrypoint) || !Files.isExecutable(entrypoint)) {
        throw new UnknownImageException(
            "image "
                + image
                + " has no executable "
                + ImageCatalog.ENTRYPOINT
                + " in "
                + folder
                + " (chmod +x it, or give the container a command)");
      }
      command.add(StageSpec.IMAGE_MOUNT + "/" + ImageCatalog.ENTRYPOINT);
    }
    if (container.args() != null) {
      command.addAll(container.args());
    }
    return new Resolved(folder, List.copyOf(command));
  }

  private ImageCatalog catalog() {
    ImageCatalog current = catalog;
    if (current == null) {
      current = loader.get();
      catalog = current;
    }
    return current;
  }
}
