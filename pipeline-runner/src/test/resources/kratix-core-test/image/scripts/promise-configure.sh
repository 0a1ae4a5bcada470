#!/usr/bin/env sh
# The Promise's dependencies: a namespace and a config map stamped with the time of the run.
set -eu
kubectl create namespace testbundle-ns --dry-run=client -o yaml > /kratix/output/namespace.yaml
kubectl create configmap testbundle-cm --namespace testbundle-ns --dry-run=client -o yaml \
  --from-literal=timestamp="$(date +%s)" \
  --from-literal=promiseEnv="${VALUE:-undefined}" > /kratix/output/configmap.yaml
