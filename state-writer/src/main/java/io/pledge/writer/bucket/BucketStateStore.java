package io.pledge.writer.bucket;

import io.pledge.writer.layout.KratixStateFile;
import io.pledge.writer.layout.StateStoreLayout;
import io.pledge.writer.store.FolderChange;
import io.pledge.writer.store.StateStore;
import io.pledge.writer.store.StateStoreException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Writes to one S3-compatible bucket (kratix.md §3.4), with the AWS SDK's S3 client (path-style
 * requests, so MinIO, s3proxy and friends work as well as AWS).
 *
 * <p>There are no transactions in a bucket: a write is a set of independent PUTs and DELETEs. An
 * object is uploaded only when its ETag differs from the MD5 of the new content; objects under a
 * replaced folder that the new content lacks are deleted. The version of a write is a SHA-256 over
 * the keys it touched and the MD5 of each (or its deletion), so writing the same content twice
 * answers the same version. Writes to one store are serialised.
 */
public final class BucketStateStore implements StateStore {

  private static final Logger LOG = Logger.getLogger(BucketStateStore.class);
  private static final int DELETE_BATCH = 1000;

  /** The object {@link #checkWrite()} starts to upload, Kratix's name for it. */
  public static final String CHECK_KEY = ".kratix-write-permission-check";

  private final String name;
  private final URI endpoint;
  private final String bucket;
  private final String checkKey;
  private final BucketCredentials credentials;
  private S3Client client;
  private Object clientIdentity;
  // Read by tests: how many objects were uploaded and deleted.
  private int uploads;
  private int deletions;

  /**
   * @param name {@code BucketStateStore/<name>}
   * @param endpoint host[:port] without a scheme (a scheme, when given, is kept)
   * @param insecure plain HTTP instead of HTTPS
   */
  public BucketStateStore(
      String name,
      String endpoint,
      boolean insecure,
      String bucket,
      BucketCredentials credentials) {
    this(name, endpoint, insecure, bucket, "", credentials);
  }

  /**
   * @param path the store's {@code spec.path}, under which the write check writes (a policy may
   *     allow writes under it only)
   */
  public BucketStateStore(
      String name,
      String endpoint,
      boolean insecure,
      String bucket,
      String path,
      BucketCredentials credentials) {
    this.name = name;
    this.endpoint = endpoint(endpoint, insecure);
    this.bucket = bucket;
    this.checkKey =
        (path == null || path.isBlank() ? "" : path.replaceAll("^/+|/+$", "") + "/") + CHECK_KEY;
    this.credentials = credentials;
  }

  /**
   * Checks the credentials may write to the bucket the way Kratix does, without leaving an object
   * behind: starts a multipart upload of {@link #CHECK_KEY} under the store's path and aborts it.
   */
  @Override
  public synchronized void checkWrite() throws StateStoreException {
    S3Client s3 = client();
    try {
      String upload = s3.createMultipartUpload(r -> r.bucket(bucket).key(checkKey)).uploadId();
      s3.abortMultipartUpload(r -> r.bucket(bucket).key(checkKey).uploadId(upload));
    } catch (S3Exception e) {
      throw refused("the write check", e);
    } catch (SdkException e) {
      throw unreachable(e);
    }
  }

  static URI endpoint(String endpoint, boolean insecure) {
    String trimmed = endpoint.strip();
    if (trimmed.contains("://")) {
      return URI.create(trimmed);
    }
    return URI.create((insecure ? "http://" : "https://") + trimmed);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized WriteResult write(List<FolderChange> changes, String message)
      throws StateStoreException {
    S3Client s3 = client();
    try {
      Map<String, String> etags = new HashMap<>();
      Map<String, byte[]> puts = new LinkedHashMap<>();
      Set<String> deletes = new LinkedHashSet<>();
      for (FolderChange change : changes) {
        plan(s3, change, etags, puts, deletes);
      }
      Map<String, String> touched = new TreeMap<>();
      boolean changed = false;
      for (Map.Entry<String, byte[]> put : puts.entrySet()) {
        String md5 = md5(put.getValue());
        touched.put(put.getKey(), md5);
        String etag =
            etags.containsKey(put.getKey()) ? etags.get(put.getKey()) : etag(s3, put.getKey());
        if (!md5.equals(etag)) {
          s3.putObject(
              r -> r.bucket(bucket).key(put.getKey()).contentType(contentType(put.getKey())),
              RequestBody.fromBytes(put.getValue()));
          uploads++;
          changed = true;
        }
      }
      List<String> present = new ArrayList<>();
      for (String key : deletes) {
        touched.put(key, "-");
        if (etags.containsKey(key) || etag(s3, key) != null) {
          present.add(key);
        }
      }
      delete(s3, present);
      deletions += present.size();
      changed |= !present.isEmpty();
      String version = digest(touched);
      LOG.debugf(
          "%s: %s (%d objects touched, changed: %s)",
          name, firstLine(message), touched.size(), changed);
      return new WriteResult(version, changed);
    } catch (S3Exception e) {
      throw refused("the write", e);
    } catch (SdkException e) {
      throw unreachable(e);
    }
  }

  private StateStoreException refused(String what, S3Exception e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return new StateStoreException(
        "bucket "
            + bucket
            + " at "
            + endpoint
            + " refused "
            + what
            + ": "
            + (code == null ? "" : code + " ")
            + "(HTTP "
            + e.statusCode()
            + ")",
        true);
  }

  private StateStoreException unreachable(SdkException e) {
    return new StateStoreException(
        "cannot reach bucket " + bucket + " at " + endpoint + ": " + e.getMessage(), true);
  }

  private void plan(
      S3Client s3,
      FolderChange change,
      Map<String, String> etags,
      Map<String, byte[]> puts,
      Set<String> deletes) {
    if (change instanceof FolderChange.RemoveFolder remove) {
      for (S3Object object : list(s3, remove.path())) {
        etags.put(object.key(), unquote(object.eTag()));
        markDelete(object.key(), puts, deletes);
      }
      puts.keySet().removeIf(k -> k.startsWith(remove.path() + "/"));
    } else if (change instanceof FolderChange.ReplaceFolder replace) {
      puts.keySet().removeIf(k -> k.startsWith(replace.path() + "/"));
      for (S3Object object : list(s3, replace.path())) {
        etags.put(object.key(), unquote(object.eTag()));
        if (!replace.files().containsKey(object.key())) {
          markDelete(object.key(), puts, deletes);
        }
      }
      replace.files().forEach((key, content) -> markPut(key, content, puts, deletes));
    } else if (change instanceof FolderChange.PutFile put) {
      markPut(put.path(), put.content(), puts, deletes);
    } else if (change instanceof FolderChange.DeleteFile delete) {
      markDelete(delete.path(), puts, deletes);
    } else if (change instanceof FolderChange.ReplaceListed listed) {
      for (String old : listed(s3, listed.path(), listed.listPrefix())) {
        if (!listed.files().containsKey(old)) {
          markDelete(old, puts, deletes);
        }
      }
      List<String> listing = new ArrayList<>();
      listed
          .files()
          .forEach(
              (key, content) -> {
                markPut(key, content, puts, deletes);
                listing.add(relativeTo(listed.listPrefix(), key));
              });
      markPut(listed.path(), KratixStateFile.render(listing), puts, deletes);
    } else if (change instanceof FolderChange.RemoveListed listed) {
      listed(s3, listed.path(), listed.listPrefix()).forEach(k -> markDelete(k, puts, deletes));
      markDelete(listed.path(), puts, deletes);
    }
  }

  private static void markPut(
      String key, byte[] content, Map<String, byte[]> puts, Set<String> deletes) {
    deletes.remove(key);
    puts.put(key, content);
  }

  private static void markDelete(String key, Map<String, byte[]> puts, Set<String> deletes) {
    puts.remove(key);
    deletes.add(key);
  }

  /** Every object under {@code folder/}. */
  private List<S3Object> list(S3Client s3, String folder) {
    List<S3Object> objects = new ArrayList<>();
    s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(folder + "/"))
        .contents()
        .forEach(objects::add);
    return objects;
  }

  /** The full keys a state file lists; none when it is not there. */
  private List<String> listed(S3Client s3, String stateFile, String listPrefix) {
    List<String> keys = new ArrayList<>();
    byte[] content;
    try {
      content = s3.getObjectAsBytes(r -> r.bucket(bucket).key(stateFile)).asByteArray();
    } catch (NoSuchKeyException e) {
      return keys;
    }
    for (String path : KratixStateFile.parse(content)) {
      try {
        keys.add(StateStoreLayout.join(listPrefix, StateStoreLayout.relative(path)));
      } catch (IllegalArgumentException e) {
        LOG.warnf("State file %s lists a path outside the store, ignored: %s", stateFile, e);
      }
    }
    return keys;
  }

  /** The object's ETag without quotes, or null when there is no such object. */
  private String etag(S3Client s3, String key) {
    try {
      return unquote(s3.headObject(r -> r.bucket(bucket).key(key)).eTag());
    } catch (NoSuchKeyException e) {
      return null;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw e;
    }
  }

  private void delete(S3Client s3, List<String> keys) {
    for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
      List<ObjectIdentifier> batch =
          keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).stream()
              .map(k -> ObjectIdentifier.builder().key(k).build())
              .toList();
      DeleteObjectsResponse response =
          s3.deleteObjects(
              r -> r.bucket(bucket).delete(Delete.builder().objects(batch).quiet(true).build()));
      if (response.hasErrors() && !response.errors().isEmpty()) {
        var error = response.errors().get(0);
        throw S3Exception.builder()
            .message("cannot delete " + error.key() + ": " + error.code())
            .statusCode(500)
            .build();
      }
    }
  }

  private synchronized S3Client client() throws StateStoreException {
    BucketCredentials.Resolved resolved = credentials.resolve();
    if (client != null && resolved.identity().equals(clientIdentity)) {
      return client;
    }
    closeClient();
    AwsCredentialsProvider provider = resolved.provider();
    client =
        S3Client.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(provider)
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(60))
                    .build())
            // Checksums only where S3 requires them: S3-compatible servers differ in the newer
            // trailing-checksum encodings.
            .requestChecksumCalculation(
                software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(
                software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
            .build();
    clientIdentity = resolved.identity();
    return client;
  }

  static String relativeTo(String prefix, String path) {
    if (prefix == null || prefix.isEmpty()) {
      return path;
    }
    return path.startsWith(prefix + "/") ? path.substring(prefix.length() + 1) : path;
  }

  static String md5(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 over the touched keys and their MD5s ({@code -} for deleted), sorted by key. */
  static String digest(Map<String, String> touched) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      new TreeMap<>(touched)
          .forEach(
              (key, md5) -> sha.update((key + "\0" + md5 + "\n").getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String unquote(String etag) {
    return etag == null ? null : etag.replace("\"", "").toLowerCase(java.util.Locale.ROOT);
  }

  private static String contentType(String key) {
    return key.endsWith(".yaml") || key.endsWith(".yml")
        ? "application/yaml"
        : "application/octet-stream";
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private void closeClient() {
    if (client != null) {
      client.close();
      client = null;
      clientIdentity = null;
    }
  }

  synchronized int uploads() {
    return uploads;
  }

  synchronized int deletions() {
    return deletions;
  }

  @Override
  public synchronized void close() {
    closeClient();
  }
}
