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

RUN_DIR=$PLEDGE_HOME/run
LOG_DIR=$PLEDGE_HOME/logs
KAFKA_HOME=$PLEDGE_HOME/kafka
mkdir -p "$RUN_DIR" "$LOG_DIR"

SERVICES=(request-intake pipeline-runner state-writer notifier)

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

# ensure_packages: bubblewrap sandboxes pipeline stages; the example stages use jq and yq.
ensure_packages() {
  local missing=()
  command -v bwrap >/dev/null || missing+=(bubblewrap)
  command -v jq >/dev/null || missing+=(jq)
  command -v yq >/dev/null || missing+=(yq)
  command -v curl >/dev/null || missing+=(curl)
  command -v git >/dev/null || missing+=(git)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    die "missing ${missing[*]}: install them (Debian: sudo apt-get install -y ${missing[*]})"
  fi
}
