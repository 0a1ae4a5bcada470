package io.pledge.testkit.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * A real S3-compatible server (s3proxy, filesystem backend) on the loopback interface, with AWS
 * signature v2/v4 authentication: a stand-in for AWS S3 or MinIO.
 *
 * <p>s3proxy is an optional dependency of the testkit: a module that starts this server adds {@code
 * org.gaul:s3proxy} to its own test dependencies.
 */
public final class S3Server implements AutoCloseable {

  private final S3Proxy proxy;
  private final FilesystemNio2BlobStore blobStore;

  private S3Server(Path dir, String accessKey, String secretKey) throws Exception {
    Files.createDirectories(dir);
    this.blobStore = new FilesystemNio2BlobStore(dir.toAbsolutePath().toString());
    this.proxy =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            // Clients keep connections alive; do not wait for them at stop.
            .stopTimeout(100)
            .build();
    proxy.start();
    long deadline = System.currentTimeMillis() + 10_000;
    while (!"STARTED".equals(proxy.getState()) && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
  }

  /** Serves buckets stored as folders under {@code dir}; only {@code accessKey} may sign in. */
  public static S3Server start(Path dir, String accessKey, String secretKey) {
    try {
      return new S3Server(dir, accessKey, secretKey);
    } catch (Exception e) {
      throw new IllegalStateException("s3proxy did not start", e);
    }
  }

  /** {@code 127.0.0.1:<port>}: host and port without a scheme, as a BucketStateStore names it. */
  public String endpoint() {
    return "127.0.0.1:" + proxy.getPort();
  }

  /** The server's HTTP URI. */
  public URI uri() {
    return URI.create("http://" + endpoint());
  }

  /** Creates an empty bucket. */
  public S3Server createBucket(String bucket) {
    blobStore.createContainer(bucket);
    return this;
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (java.util.concurrent.TimeoutException e) {
      // clients still holding keep-alive connections: they are cut after the short stop timeout
    } catch (Exception e) {
      throw new IllegalStateException("s3proxy did not stop", e);
    }
  }
}
