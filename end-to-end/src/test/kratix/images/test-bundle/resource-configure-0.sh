#!/usr/bin/env bash
# testbundle's first resource pipeline: one ConfigMap for worker-1 and one for worker-2, each in
# its own output directory with its own Destination selector, and status stage=one for the next
# pipeline to find.
set -euo pipefail

in=/kratix/input/object.yaml
out=/kratix/output
meta=/kratix/metadata

name=$(yq -r '.spec.configMapName' "$in")
for n in 1 2; do
  mkdir -p "$out/dest$n"
  kubectl create configmap "$name-$n" --namespace testbundle-ns --dry-run=client --output=yaml \
    --from-literal=timestamp="$EPOCHREALTIME" >"$out/dest$n/configmap.yaml"
done

cat >"$meta/destination-selectors.yaml" <<SELECTORS
- directory: dest1
  matchLabels: {target: worker-1}
- directory: dest2
  matchLabels: {target: worker-2}
SELECTORS
echo 'stage: one' >"$meta/status.yaml"
