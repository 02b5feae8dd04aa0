# Shared helpers for up.sh / down.sh. Sourced, not executed.
# shellcheck shell=bash
CLUSTER_DIR=${SENTINELOPS_CLUSTER_DIR:-/tmp/sentinelops-cluster}
PKI=$CLUSTER_DIR/pki
LOGS=$CLUSTER_DIR/logs
PIDS=$CLUSTER_DIR/pids
# Start order; down.sh stops them in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok metrics-server)

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { printf '[cluster] ERROR: %s\n' "$*" >&2; exit 1; }

# Prints the pid recorded for a component if that process is still the one we started
# (its executable path matches), so a recycled pid is never signalled.
live_pid() {
  local name=$1 file=$PIDS/$1.pid pid exe
  [[ -f $file ]] || return 1
  read -r pid exe < "$file" || return 1
  [[ -n $pid && -d /proc/$pid ]] || return 1
  [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$exe" ]] || return 1
  echo "$pid"
}

# free_ports N: prints N distinct free TCP ports on 127.0.0.1, one per line.
free_ports() {
  node -e '
    const net = require("net"); const n = Number(process.argv[1]); const servers = [];
    (async () => {
      for (let i = 0; i < n; i++) {
        const s = net.createServer(); servers.push(s);
        await new Promise((ok, ko) => { s.once("error", ko); s.listen(0, "127.0.0.1", ok); });
      }
      process.stdout.write(servers.map((s) => s.address().port).join("\n") + "\n");
      servers.forEach((s) => s.close());
    })().catch((e) => { console.error(e); process.exit(1); });
  ' "$1"
}

# tail_log NAME: last lines of a component's log, for error reports.
tail_log() { [[ -f $LOGS/$1.log ]] && tail -n "${2:-25}" "$LOGS/$1.log" | sed "s/^/    [$1] /" >&2 || true; }
