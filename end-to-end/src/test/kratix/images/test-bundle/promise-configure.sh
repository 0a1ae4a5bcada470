#!/usr/bin/env bash
# testbundle's Promise workflow: a Namespace and a ConfigMap for each Destination the Promise
# selects. The ConfigMap records when the stage ran and $VALUE (set by the updated Promise), so a
# re-run shows in the state store.
set -euo pipefail

out=/kratix/output
kubectl create namespace testbundle-ns --dry-run=client --output=yaml >"$out/namespace.yaml"
kubectl create configmap testbundle-cm --namespace testbundle-ns --dry-run=client --output=yaml \
  --from-literal=timestamp="$EPOCHREALTIME" \
  --from-literal=promiseEnv="${VALUE:-undefined}" >"$out/configmap.yaml"
