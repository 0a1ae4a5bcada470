package io.pledge.contract.kratix;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A Kratix BucketStateStore: an S3-compatible bucket that Destinations write into. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BucketStateStore(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

  /**
   * @param bucketName the bucket
   * @param endpoint host[:port], no scheme
   * @param path a prefix for every Destination's folder
   * @param insecure plain HTTP when true
   * @param useDualStack use the dual-stack endpoint
   * @param authMethod {@code accessKey} (default) or {@code IAM}
   * @param secretRef holds {@code accessKeyID} and {@code secretAccessKey}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Spec(
      String bucketName,
      String endpoint,
      String path,
      boolean insecure,
      boolean useDualStack,
      String authMethod,
      SecretRef secretRef) {}
}
