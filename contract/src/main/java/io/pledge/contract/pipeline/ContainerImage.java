package io.pledge.contract.pipeline;

/**
 * The image one container of a pipeline ran: what the Promise named and the manifest digest that
 * name resolved to, so the run can be reproduced ({@code image@imageDigest}).
 *
 * @param name the container's name
 * @param image the image reference as the Promise gives it
 * @param imageDigest the linux/amd64 image manifest digest, {@code sha256:...}
 */
public record ContainerImage(String name, String image, String imageDigest) {}
