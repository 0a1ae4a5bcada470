package io.pledge.runner.image;

/**
 * An image could not be made ready to run: a reference that does not parse, an image the registry
 * does not have, refused credentials, a registry still down when the pull time ran out, a manifest
 * or layer over its bound, a layer that would leave the root. The message names the image and the
 * registry's answer; it becomes the pipeline's failure reason.
 */
public final class ImagePullException extends Exception {
  public ImagePullException(String message) {
    super(message);
  }
}
