#!/usr/bin/env bash
# Stops the cluster started by up.sh: exactly the processes recorded in $SENTINELOPS_CLUSTER_DIR/pids,
# in reverse start order, TERM then KILL after 10s. Idempotent; never kills by name.
# SENTINELOPS_KEEP_STATE=1 keeps the state directory (logs, etcd data) for inspection.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"

stopped=0
for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
  name=${COMPONENTS[i]}
  if pid=$(live_pid "$name"); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do [[ -d /proc/$pid ]] || break; sleep 0.1; done
    if [[ -d /proc/$pid ]]; then
      log "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name (pid $pid)"
    stopped=$((stopped + 1))
  fi
  rm -f "$PIDS/$name.pid"
done

if [[ ${SENTINELOPS_KEEP_STATE:-0} != 1 && -d $CLUSTER_DIR ]]; then
  rm -rf "$CLUSTER_DIR"
fi
log "cluster down ($stopped process(es) stopped)"
