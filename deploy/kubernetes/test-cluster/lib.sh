# Shared settings of the test-cluster scripts; sourced, not run.
# shellcheck shell=bash

KUBE_VERSION=1.20.2
# The built binaries live outside the checkout, so a clean clone and `git clean` keep them; they are
# rebuilt only when missing (build).
KUBE_CACHE=${PLEDGE_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pledge/kubernetes-$KUBE_VERSION}
KUBE_BIN=$KUBE_CACHE/bin

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# One cluster per folder: its certificates, etcd data, logs, pids and kubeconfigs. Tests give each
# cluster a folder of their own (and ports of their own).
KUBE_DIR=${PLEDGE_KUBE_DIR:-$ROOT/.pledge/test-cluster}
KUBE_PORT=${PLEDGE_KUBE_PORT:-6443}
ETCD_PORT=${PLEDGE_ETCD_PORT:-2479}
ETCD_PEER_PORT=${PLEDGE_ETCD_PEER_PORT:-$((ETCD_PORT + 1))}

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ensure_debian_packages PACKAGE...: installs those not installed yet (as root, with apt-get).
ensure_debian_packages() {
  local missing=() p
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}: install them (sudo apt-get install -y ${missing[*]})"
  log "installing ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

built() { [ -x "$KUBE_BIN/kube-apiserver" ] && [ -x "$KUBE_BIN/kube-controller-manager" ]; }
