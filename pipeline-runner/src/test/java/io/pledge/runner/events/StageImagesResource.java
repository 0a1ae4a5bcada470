package io.pledge.runner.events;

import io.pledge.runner.StageImages;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Gives the service under test small stage images (scripts on busybox, in the test registry, named
 * by registries.conf) and a work dir.
 */
public class StageImagesResource implements QuarkusTestResourceLifecycleManager {

  static final String CONFIGURE_IMAGE = "pledge.io/test/database-configure:v1";
  static final String DELETE_IMAGE = "pledge.io/test/database-delete:v1";
  public static final String DRY_RUN_IMAGE = "pledge.io/test/dry-run-aware:v1";
  public static final String FAILING_IMAGE = "pledge.io/test/quota-check:v1";
  static final String RETRY_NOW_IMAGE = "pledge.io/test/retry-now:v1";

  /** The retry bounds of the service under test: short, so that tests of them stay quick. */
  static final java.time.Duration MIN_RETRY_AFTER = java.time.Duration.ofSeconds(1);

  static final int DEFAULT_RETRY_ATTEMPTS = 3;

  @Override
  public Map<String, String> start() {
    try {
      Path dir = Files.createTempDirectory("pledge-runner-test");
      StageImages images = new StageImages(dir.resolve("images"));
      images.add(
          CONFIGURE_IMAGE,
          """
          #!/bin/sh
          set -eu
          size=$(sed -n 's/^  size: *//p' /kratix/input/object.yaml)
          cat > /kratix/output/database.yaml <<EOF
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: $KRATIX_OBJECT_NAME
            namespace: $KRATIX_OBJECT_NAMESPACE
          data:
            size: "$size"
          EOF
          echo "configured $KRATIX_OBJECT_NAME"
          echo "message: database $KRATIX_OBJECT_NAME is $size" > /kratix/metadata/status.yaml
          """);
      images.add(
          DELETE_IMAGE,
          """
          #!/bin/sh
          echo "message: deleting $KRATIX_OBJECT_NAME" > /kratix/metadata/status.yaml
          """);
      images.add(
          DRY_RUN_IMAGE,
          """
          #!/bin/sh
          set -eu
          size=$(sed -n 's/^  size: *//p' /kratix/input/object.yaml)
          cat > /kratix/output/database.yaml <<EOF
          kind: ConfigMap
          metadata:
            name: $KRATIX_OBJECT_NAME
          data:
            size: "$size"
            dryRun: "${KRATIX_DRY_RUN:-unset}"
          EOF
          echo "dry run: ${KRATIX_DRY_RUN:-unset}"
          printf 'dryRun: "%s"\nmessage: rendered %s\n' "${KRATIX_DRY_RUN:-unset}" \
            "$KRATIX_OBJECT_NAME" > /kratix/metadata/status.yaml
          """);
      images.add(
          FAILING_IMAGE,
          """
          #!/bin/sh
          echo "checking quota"
          echo "quota exceeded for $KRATIX_OBJECT_NAME" >&2
          exit 3
          """);
      images.add(
          RETRY_NOW_IMAGE,
          """
          #!/bin/sh
          echo "retryAfter: 0s" > /kratix/metadata/workflow-control.yaml
          """);
      return Map.of(
          "pledge.runner.registries-conf", images.registriesConf().toString(),
          "pledge.runner.work-dir", dir.resolve("runner").toString(),
          "pledge.runner.min-retry-after", MIN_RETRY_AFTER.toMillis() + "ms",
          "pledge.runner.default-retry-attempts", Integer.toString(DEFAULT_RETRY_ATTEMPTS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {}
}
