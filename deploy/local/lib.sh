# Shared settings of the deploy/local scripts; sourced, not run.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PLEDGE_HOME=${PLEDGE_HOME:-$ROOT/.pledge}
PLEDGE_HOME=$(mkdir -p "$PLEDGE_HOME" && cd "$PLEDGE_HOME" && pwd)
export PLEDGE_KAFKA_PORT=${PLEDGE_KAFKA_PORT:-9092}
export PLEDGE_KAFKA_CONTROLLER_PORT=${PLEDGE_KAFKA_CONTROLLER_PORT:-9093}
export KAFKA_BOOTSTRAP_SERVERS=${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$PLEDGE_KAFKA_PORT}
export PLEDGE_INTAKE_PORT=${PLEDGE_INTAKE_PORT:-8080}
export PLEDGE_RUNNER_PORT=${PLEDGE_RUNNER_PORT:-8081}
export PLEDGE_WRITER_PORT=${PLEDGE_WRITER_PORT:-8082}
export PLEDGE_NOTIFIER_PORT=${PLEDGE_NOTIFIER_PORT:-8083}
export PLEDGE_STUB_HTTP_PORT=${PLEDGE_STUB_HTTP_PORT:-8089}
export PLEDGE_STUB_SMTP_PORT=${PLEDGE_STUB_SMTP_PORT:-2525}
# The local OCI registry (CNCF distribution) holding the examples' pipeline images; see registry_up.
export PLEDGE_REGISTRY_PORT=${PLEDGE_REGISTRY_PORT:-5000}
export PLEDGE_REGISTRY=127.0.0.1:$PLEDGE_REGISTRY_PORT
# Its storage; bench/run points it at a cache of its own, kept across runs.
PLEDGE_REGISTRY_DIR=${PLEDGE_REGISTRY_DIR:-$PLEDGE_HOME/registry}
# The examples' images are named under this prefix (the Promises say so); registries.conf mirrors
# it to the local registry, where deploy/local/images pushes them.
EXAMPLES_IMAGES=ghcr.io/pledge-io/examples
REGISTRIES_CONF=$PLEDGE_HOME/registries.conf

RUN_DIR=$PLEDGE_HOME/run
LOG_DIR=$PLEDGE_HOME/logs
KAFKA_HOME=$PLEDGE_HOME/kafka
mkdir -p "$RUN_DIR" "$LOG_DIR"

SERVICES=(request-intake pipeline-runner state-writer notifier)

# How many instances of each service deploy/local/up starts (issue #15). Instance i (1-based) of a
# service is named <service>-<i>: pid in run/<service>-<i>.pid, log logs/<service>-<i>.log, HTTP
# port = the service's base port + 100 x (i - 1). With 1 (the default) the names end in -1 too.
export PLEDGE_REPLICAS=${PLEDGE_REPLICAS:-1}
case "$PLEDGE_REPLICAS" in
  '' | *[!0-9]* | 0*) echo "PLEDGE_REPLICAS must be a whole number from 1 to 9, not '$PLEDGE_REPLICAS'" >&2; exit 1 ;;
esac
# Ports step by 100: a tenth instance would take the base port + 900, too close to what others use.
[ "$PLEDGE_REPLICAS" -le 9 ] || { echo "PLEDGE_REPLICAS must be a whole number from 1 to 9, not '$PLEDGE_REPLICAS'" >&2; exit 1; }

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# service_jar NAME: the packaged service. PLEDGE_APPS_DIR, a folder of <service>/quarkus-app copies,
# runs a snapshot instead (bench/run does, so a rebuild of the checkout cannot change a running test).
service_jar() {
  if [ -n "${PLEDGE_APPS_DIR:-}" ]; then
    echo "$PLEDGE_APPS_DIR/$1/quarkus-app/quarkus-run.jar"
  else
    echo "$ROOT/$1/target/quarkus-app/quarkus-run.jar"
  fi
}

service_port() {
  case "$1" in
    request-intake) echo "$PLEDGE_INTAKE_PORT" ;;
    pipeline-runner) echo "$PLEDGE_RUNNER_PORT" ;;
    state-writer) echo "$PLEDGE_WRITER_PORT" ;;
    notifier) echo "$PLEDGE_NOTIFIER_PORT" ;;
  esac
}

# instances SERVICE: its instance names, <service>-1 .. <service>-$PLEDGE_REPLICAS.
instances() {
  local i
  for ((i = 1; i <= PLEDGE_REPLICAS; i++)); do echo "$1-$i"; done
}

# instance_port INSTANCE: the HTTP port of <service>-<i>, its service's base port + 100 x (i - 1).
instance_port() {
  local service=${1%-*} index=${1##*-}
  echo $(($(service_port "$service") + 100 * (index - 1)))
}

# instance_env INSTANCE: the environment (NAME=VALUE lines) that keeps instances of one service on
# one host apart: the HTTP port, PLEDGE_INSTANCE_ID, and a folder of its own for what the service
# keeps on disk (the runner's and the writer's work dirs are cleaned at start and belong to one
# process; intake's Kafka Streams state dir is locked by one process). The notifier's Kafka
# transactional id is made of its instance id, so a restarted instance fences its predecessor.
instance_env() {
  local instance=$1 service=${1%-*}
  echo "QUARKUS_HTTP_PORT=$(instance_port "$instance")"
  echo "PLEDGE_INSTANCE_ID=$instance"
  case "$service" in
    request-intake) echo "PLEDGE_INTAKE_RESOURCES_STATE_DIR=$PLEDGE_HOME/state/$instance" ;;
    pipeline-runner) echo "PLEDGE_RUNNER_WORK_DIR=$PLEDGE_HOME/$instance" ;;
    state-writer) echo "PLEDGE_WRITER_WORK_DIR=$PLEDGE_HOME/$instance" ;;
    notifier) echo "PLEDGE_NOTIFIER_KAFKA_INSTANCE_ID=$instance" ;;
  esac
}

# is_running NAME: the process recorded in run/NAME.pid is alive.
is_running() {
  local pid_file=$RUN_DIR/$1.pid
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

# wait_for_port PORT SECONDS
wait_for_port() {
  local deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

# wait_for_url URL SECONDS: until it answers 2xx.
wait_for_url() {
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.3
  done
}

# busybox_is_static: /bin/busybox exists and needs no shared libraries.
busybox_is_static() {
  case "$(ldd /bin/busybox 2>&1 || true)" in
    *'not a dynamic executable'*) return 0 ;;
    *) return 1 ;;
  esac
}

# ensure_packages [COMMAND=PACKAGE...]: installs what is missing of what the deployment needs:
# bubblewrap sandboxes pipeline stages on their image's root filesystem, skopeo and umoci pull and
# unpack the images, docker-registry is the local registry, busybox-static the busybox base image;
# jq, yq, curl and git serve these scripts, and git-receive-pack takes the state writer's pushes to a
# state store on this machine. Arguments add more, e.g. kubectl=kubernetes-client.
# shellcheck disable=SC2120 # its arguments are optional
ensure_packages() {
  local missing=() pair
  for pair in bwrap=bubblewrap skopeo=skopeo umoci=umoci docker-registry=docker-registry \
      jq=jq yq=yq curl=curl git=git "$@"; do
    command -v "${pair%%=*}" >/dev/null || missing+=("${pair#*=}")
  done
  # The busybox base image copies /bin/busybox, which must be the static one.
  [ "$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null)" = "install ok installed" ] \
    || busybox_is_static || missing+=(busybox-static)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    die "missing ${missing[*]}: install them (Debian: sudo apt-get install -y ${missing[*]})"
  fi
}

# start NAME COMMAND...: run in the background, appending to logs/NAME.log (a restart keeps what
# the previous process wrote), pid in run/NAME.pid (deploy/local/down stops what is recorded there).
start() {
  local name=$1; shift
  if is_running "$name"; then
    log "$name already running (pid $(cat "$RUN_DIR/$name.pid"))"
    return 0
  fi
  nohup "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
  log "started $name (pid $!)"
}

# registry_up: starts the local registry (docker-registry, CNCF distribution) on
# 127.0.0.1:$PLEDGE_REGISTRY_PORT with its storage in $PLEDGE_REGISTRY_DIR, unless it runs
# already, and waits until it answers GET /v2/. Plain HTTP on the loopback only.
registry_up() {
  local url=http://$PLEDGE_REGISTRY/v2/
  if ! is_running registry; then
    # Someone else's registry on the port would answer /v2/ as well, and take our pushes.
    if (exec 3<>"/dev/tcp/127.0.0.1/$PLEDGE_REGISTRY_PORT") 2>/dev/null; then
      die "port $PLEDGE_REGISTRY_PORT is in use: set PLEDGE_REGISTRY_PORT to a free one (where systemd runs" \
        "Debian's docker-registry service, it takes :5000: 'systemctl disable --now docker-registry')"
    fi
    mkdir -p "$PLEDGE_REGISTRY_DIR"
    cat >"$RUN_DIR/registry.yml" <<YAML
# Written by deploy/local (lib.sh registry_up) at each start.
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $PLEDGE_REGISTRY_DIR
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $PLEDGE_REGISTRY
  secret: pledge-local-registry
YAML
    start registry docker-registry serve "$RUN_DIR/registry.yml"
  fi
  wait_for_url "$url" 30 || { tail -20 "$LOG_DIR/registry.log" >&2; die "the registry did not answer $url"; }
}

# write_registries_conf: $PLEDGE_HOME/registries.conf (containers-registries.conf(5), v2) for
# everything that pulls with skopeo here (pipeline-runner, `pledge image build`): images named
# $EXAMPLES_IMAGES/... come from the local registry first.
write_registries_conf() {
  cat >"$REGISTRIES_CONF" <<TOML
# Written by deploy/local (lib.sh write_registries_conf). The examples' pipeline images are named
# $EXAMPLES_IMAGES/...; deploy/local/images builds them and pushes them to the local
# registry, which serves them first as a mirror (plain HTTP on the loopback).
unqualified-search-registries = ["docker.io"]

[[registry]]
prefix = "$EXAMPLES_IMAGES"
location = "$EXAMPLES_IMAGES"

[[registry.mirror]]
location = "$PLEDGE_REGISTRY/${EXAMPLES_IMAGES#*/}"
insecure = true
TOML
}
