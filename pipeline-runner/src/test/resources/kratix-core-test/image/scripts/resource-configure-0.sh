#!/usr/bin/env sh
# Two config maps named after the request, one per directory, each directory to its own worker.
set -eu
name="$(yq ".spec.configMapName" /kratix/input/object.yaml)"
mkdir -p /kratix/output/dest1 /kratix/output/dest2
for n in 1 2; do
  kubectl create configmap "$name-$n" --namespace testbundle-ns --dry-run=client -o yaml \
    --from-literal=timestamp="$(date +%s)" > "/kratix/output/dest$n/configmap.yaml"
done
printf '%s\n' '- directory: dest1' '  matchLabels: {target: worker-1}' \
  '- directory: dest2' '  matchLabels: {target: worker-2}' > /kratix/metadata/destination-selectors.yaml
echo 'stage: one' > /kratix/metadata/status.yaml
