#!/usr/bin/env bash
# testbundle's second resource pipeline: fails unless the status the first pipeline of this very
# run wrote (stage=one) is on the object it reads, then writes the request's Namespace for worker-1
# and marks the status complete.
set -euo pipefail

in=/kratix/input/object.yaml
out=/kratix/output
meta=/kratix/metadata

stage=$(yq -r '.status.stage' "$in")
if [ "$stage" != one ]; then
  echo "status.stage is '$stage', expected 'one' from resource-pipeline0" >&2
  exit 1
fi
namespace=$(yq -r '.spec.namespaceName' "$in")
kubectl create namespace "$namespace" --dry-run=client --output=yaml >"$out/namespace.yaml"

echo '- matchLabels: {target: worker-1}' >"$meta/destination-selectors.yaml"
printf 'stage: two\ncompleted: true\n' >"$meta/status.yaml"
