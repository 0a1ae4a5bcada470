package io.pledge.writer.bucket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.contract.kratix.SecretRef;
import io.pledge.testkit.s3.S3Server;
import io.pledge.writer.store.FolderChange;
import io.pledge.writer.store.StateStore;
import io.pledge.writer.store.StateStoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/** BucketStateStore against a real S3 server (s3proxy, filesystem backend) in this JVM. */
class BucketStateStoreTest {

  static final String ACCESS_KEY = "pledge-access";
  static final String SECRET_KEY = "pledge-secret-key-123";

  @TempDir Path tmp;
  S3Server server;
  S3Client reader;
  Path secret;
  BucketStateStore store;

  @BeforeEach
  void setUp() throws Exception {
    server = S3Server.start(tmp.resolve("s3"), ACCESS_KEY, SECRET_KEY).createBucket("kratix");
    reader =
        S3Client.builder()
            .endpointOverride(server.uri())
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    secret = Files.createDirectories(tmp.resolve("secrets/default/s3-creds"));
    Files.writeString(secret.resolve("accessKeyID"), ACCESS_KEY + "\n");
    Files.writeString(secret.resolve("secretAccessKey"), SECRET_KEY + "\n");
    store = store("kratix");
  }

  @AfterEach
  void tearDown() {
    store.close();
    reader.close();
    server.close();
  }

  BucketStateStore store(String bucket) {
    return new BucketStateStore(
        "BucketStateStore/test",
        server.endpoint(),
        true,
        bucket,
        new BucketCredentials(tmp.resolve("secrets"), new SecretRef("s3-creds", null), null));
  }

  static FolderChange.ReplaceFolder folder(String path, String... namesAndContents) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < namesAndContents.length; i += 2) {
      files.put(
          path + "/" + namesAndContents[i],
          namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return new FolderChange.ReplaceFolder(path, files);
  }

  Optional<String> object(String key) {
    try {
      return Optional.of(reader.getObjectAsBytes(r -> r.bucket("kratix").key(key)).asUtf8String());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  List<String> keys() {
    return reader.listObjectsV2Paginator(r -> r.bucket("kratix")).contents().stream()
        .map(S3Object::key)
        .sorted()
        .toList();
  }

  @Test
  void writesFilesAsObjectsUnderTheirFolder() throws Exception {
    StateStore.WriteResult result =
        store.write(
            List.of(folder("w/resources/ns/p/a/c/5058f", "cm.yaml", "a: 1", "sub/x.yaml", "x")),
            "Update from: a");

    assertThat(result.committed()).isTrue();
    assertThat(result.version()).hasSize(64);
    assertThat(keys())
        .containsExactly(
            "w/resources/ns/p/a/c/5058f/cm.yaml", "w/resources/ns/p/a/c/5058f/sub/x.yaml");
    assertThat(object("w/resources/ns/p/a/c/5058f/cm.yaml")).contains("a: 1");
  }

  @Test
  void uploadsOnlyObjectsWhoseContentChanged() throws Exception {
    store.write(List.of(folder("w/f", "a.yaml", "a", "b.yaml", "b")), "first");
    assertThat(store.uploads()).isEqualTo(2);

    StateStore.WriteResult result =
        store.write(List.of(folder("w/f", "a.yaml", "a", "b.yaml", "b2")), "second");

    assertThat(result.committed()).isTrue();
    assertThat(store.uploads()).isEqualTo(3);
    assertThat(object("w/f/b.yaml")).contains("b2");
  }

  @Test
  void unchangedContentChangesNothingAndAnswersTheSameVersion() throws Exception {
    List<FolderChange> changes = List.of(folder("w/f", "a.yaml", "a"));
    StateStore.WriteResult first = store.write(changes, "first");

    StateStore.WriteResult again = store.write(changes, "again");

    assertThat(again.committed()).isFalse();
    assertThat(again.version()).isEqualTo(first.version());
    assertThat(store.uploads()).isEqualTo(1);
    assertThat(store.deletions()).isZero();
  }

  @Test
  void differentContentAnswersADifferentVersion() throws Exception {
    StateStore.WriteResult one = store.write(List.of(folder("w/f", "a.yaml", "1")), "one");
    StateStore.WriteResult two = store.write(List.of(folder("w/f", "a.yaml", "2")), "two");

    assertThat(two.version()).isNotEqualTo(one.version());
  }

  @Test
  void replacingAFolderDeletesItsStaleObjectsAndLeavesSiblingsAlone() throws Exception {
    store.write(
        List.of(
            folder("w/r/a/c/5058f", "one.yaml", "1", "two.yaml", "2"),
            folder("w/r/a/c/5058f-other", "keep.yaml", "k"),
            folder("w/r/b/c/5058f", "keep.yaml", "k")),
        "first");

    store.write(List.of(folder("w/r/a/c/5058f", "one.yaml", "1")), "second");

    assertThat(keys())
        .containsExactly(
            "w/r/a/c/5058f-other/keep.yaml", "w/r/a/c/5058f/one.yaml", "w/r/b/c/5058f/keep.yaml");
    assertThat(store.deletions()).isEqualTo(1);
  }

  @Test
  void removesFoldersAndSingleFiles() throws Exception {
    store.write(
        List.of(
            folder("w/r/a", "x.yaml", "x", "y/z.yaml", "z"),
            new FolderChange.PutFile("w/canary.yaml", "c".getBytes())),
        "add");

    StateStore.WriteResult result =
        store.write(
            List.of(
                new FolderChange.RemoveFolder("w/r/a"),
                new FolderChange.DeleteFile("w/canary.yaml"),
                new FolderChange.DeleteFile("w/never-there.yaml")),
            "Delete from: a");

    assertThat(result.committed()).isTrue();
    assertThat(keys()).isEmpty();
    assertThat(store.deletions()).isEqualTo(3);
  }

  @Test
  void stateFileTracksFlatFilesAndCleansUpStaleOnes() throws Exception {
    String stateFile = "clusters/w/.kratix/default-p-a-c-12345.w-5058f.yaml";
    store.write(
        List.of(
            new FolderChange.ReplaceListed(
                stateFile,
                "clusters",
                Map.of("clusters/w/a.yaml", "a".getBytes(), "clusters/w/b.yaml", "b".getBytes()))),
        "first");
    assertThat(object(stateFile).orElseThrow())
        .isIn("files:\n- w/a.yaml\n- w/b.yaml\n", "files:\n- w/b.yaml\n- w/a.yaml\n");

    store.write(
        List.of(
            new FolderChange.ReplaceListed(
                stateFile, "clusters", Map.of("clusters/w/a.yaml", "a2".getBytes()))),
        "second");

    assertThat(keys()).containsExactly(stateFile, "clusters/w/a.yaml");
    assertThat(object(stateFile)).contains("files:\n- w/a.yaml\n");

    store.write(List.of(new FolderChange.RemoveListed(stateFile, "clusters")), "delete");

    assertThat(keys()).isEmpty();
  }

  @Test
  void wrongCredentialsFailWithAClearReasonThenRecoverOnceTheSecretIsFixed() throws Exception {
    Files.writeString(secret.resolve("secretAccessKey"), "wrong-secret");

    assertThatThrownBy(() -> store.write(List.of(folder("w/f", "a.yaml", "a")), "x"))
        .isInstanceOfSatisfying(
            StateStoreException.class,
            e -> {
              assertThat(e.isTransient()).isTrue();
              assertThat(e.getMessage())
                  .contains("bucket kratix at http://" + server.endpoint())
                  .contains("HTTP 403")
                  .doesNotContain("wrong-secret");
            });
    assertThat(keys()).isEmpty();

    Files.writeString(secret.resolve("secretAccessKey"), SECRET_KEY);
    store.write(List.of(folder("w/f", "a.yaml", "a")), "x");

    assertThat(object("w/f/a.yaml")).contains("a");
  }

  @Test
  void missingSecretIsATransientFailureNamingTheKey() throws Exception {
    Files.delete(secret.resolve("accessKeyID"));

    assertThatThrownBy(() -> store.write(List.of(folder("w/f", "a.yaml", "a")), "x"))
        .isInstanceOfSatisfying(
            StateStoreException.class,
            e -> {
              assertThat(e.isTransient()).isTrue();
              assertThat(e.getMessage()).contains("default/s3-creds").contains("accessKeyID");
            });
  }

  @Test
  void missingBucketIsATransientFailure() {
    try (BucketStateStore missing = store("no-such-bucket")) {
      assertThatThrownBy(() -> missing.write(List.of(folder("w/f", "a.yaml", "a")), "x"))
          .isInstanceOfSatisfying(
              StateStoreException.class,
              e -> {
                assertThat(e.isTransient()).isTrue();
                assertThat(e.getMessage()).contains("no-such-bucket");
              });
    }
  }

  @Test
  void theWriteCheckStartsAnUploadUnderTheStorePathAndLeavesNoObject() throws Exception {
    try (BucketStateStore prefixed =
        new BucketStateStore(
            "BucketStateStore/test",
            server.endpoint(),
            true,
            "kratix",
            "/platform/",
            new BucketCredentials(tmp.resolve("secrets"), new SecretRef("s3-creds", null), null))) {
      prefixed.checkWrite();
    }

    assertThat(keys()).isEmpty();
    assertThat(
            reader.listMultipartUploads(r -> r.bucket("kratix")).uploads().stream()
                .map(u -> u.key())
                .toList())
        .isEmpty();
  }

  @Test
  void theWriteCheckFailsOnCredentialsTheBucketRefuses() throws Exception {
    Files.writeString(secret.resolve("secretAccessKey"), "not-the-secret\n");

    assertThatThrownBy(store::checkWrite)
        .isInstanceOfSatisfying(
            StateStoreException.class,
            e -> assertThat(e.getMessage()).contains("refused the write check"));
  }

  @Test
  void theWriteCheckFailsOnAMissingBucket() {
    try (BucketStateStore missing = store("no-such-bucket")) {
      assertThatThrownBy(missing::checkWrite)
          .isInstanceOfSatisfying(
              StateStoreException.class,
              e -> assertThat(e.getMessage()).contains("no-such-bucket"));
    }
  }

  @Test
  void unreachableEndpointIsATransientFailure() throws Exception {
    String endpoint = server.endpoint();
    server.close();
    try (BucketStateStore down =
        new BucketStateStore(
            "BucketStateStore/down",
            endpoint,
            true,
            "kratix",
            new BucketCredentials(tmp.resolve("secrets"), new SecretRef("s3-creds", null), null))) {
      assertThatThrownBy(() -> down.write(List.of(folder("w/f", "a.yaml", "a")), "x"))
          .isInstanceOfSatisfying(
              StateStoreException.class,
              e -> {
                assertThat(e.isTransient()).isTrue();
                assertThat(e.getMessage()).contains("cannot reach bucket kratix");
              });
    }
    server = S3Server.start(tmp.resolve("s3"), ACCESS_KEY, SECRET_KEY);
  }

  @Test
  void endpointWithoutSchemeIsHttpsUnlessInsecure() {
    assertThat(BucketStateStore.endpoint("s3.amazonaws.com", false))
        .hasToString("https://s3.amazonaws.com");
    assertThat(BucketStateStore.endpoint("minio:9000", true)).hasToString("http://minio:9000");
    assertThat(BucketStateStore.endpoint("http://minio:9000", false))
        .hasToString("http://minio:9000");
  }

  @Test
  void unsupportedAuthMethodIsPermanent() {
    BucketCredentials credentials =
        new BucketCredentials(tmp.resolve("secrets"), new SecretRef("s3-creds", null), "token");

    assertThatThrownBy(credentials::resolve)
        .isInstanceOfSatisfying(
            StateStoreException.class, e -> assertThat(e.isTransient()).isFalse());
  }
}
