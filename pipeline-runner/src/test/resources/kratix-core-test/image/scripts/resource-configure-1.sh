#!/usr/bin/env sh
# Runs only after the first pipeline, whose status it must see; then the request's namespace.
set -eu
stage="$(yq ".status.stage" /kratix/input/object.yaml)"
if [ "$stage" != "one" ]; then
  echo "unexpected status: $stage; expected one" >&2
  exit 1
fi
namespace="$(yq ".spec.namespaceName" /kratix/input/object.yaml)"
kubectl create namespace "$namespace" --dry-run=client -o yaml > /kratix/output/namespace.yaml
echo '- matchLabels: {target: worker-1}' > /kratix/metadata/destination-selectors.yaml
printf 'stage: two\ncompleted: true\n' > /kratix/metadata/status.yaml
