package io.pledge.cli.authoring;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files {@code pledge add container --language bash} scaffolds in a container's folder, the
 * layout of Kratix's CLI: a {@code Dockerfile}, {@code scripts/pipeline.sh} and {@code resources/}.
 * The Dockerfile only copies (Pledge's image builder runs no {@code RUN}), onto the examples' tools
 * base image, which has bash, jq and yq.
 */
public final class BashStage {

  /** The base image: bash, jq and (jq-syntax) yq; deploy/local/images builds it. */
  public static final String BASE = "ghcr.io/pledge-io/examples/tools:bookworm";

  private BashStage() {}

  /** Relative path (under the container's folder) to content. */
  public static Map<String, String> files(Containers.Address address, String container) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        "Dockerfile",
        """
        # %1$s's image: `pledge build container %2$s --name %1$s` builds it from this folder
        # and pushes it under the image the Pipeline names. COPY only: no RUN (put tools in the base).
        FROM %3$s
        COPY --chmod=755 scripts/pipeline.sh /usr/local/bin/pipeline.sh
        COPY resources/ /resources/
        ENTRYPOINT ["/usr/local/bin/pipeline.sh"]
        """
            .formatted(container, address, BASE));
    files.put(
        "scripts/pipeline.sh",
        """
        #!/usr/bin/env bash
        # %1$s of the %2$s workflow. Kratix's contract: the request (or the Promise) is
        # /kratix/input/object.yaml; write documents to /kratix/output, and status to
        # /kratix/metadata/status.yaml.
        set -euo pipefail

        name="$(yq -r '.metadata.name' /kratix/input/object.yaml)"
        namespace="$(yq -r '.metadata.namespace // "default"' /kratix/input/object.yaml)"
        echo "Hello from ${name} ${namespace}"
        """
            .formatted(container, address));
    files.put(
        "resources/README.md",
        "Files here are copied into the image's /resources for scripts/pipeline.sh to use.\n");
    return files;
  }
}
