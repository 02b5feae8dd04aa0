#!/usr/bin/env bash
# Brings up a real Kubernetes control plane on 127.0.0.1 with kwok fake nodes:
#   etcd -> kube-apiserver -> kube-controller-manager -> kube-scheduler -> kwok (+ metrics-server, opt-in)
# Binaries come from build.sh (built once into $SENTINELOPS_CACHE, reused after).
# State (PKI, etcd data, logs, pids, kubeconfig) lives in $SENTINELOPS_CLUSTER_DIR (default /tmp/sentinelops-cluster).
#
# Environment:
#   SENTINELOPS_NODES=3             number of kwok fake nodes
#   SENTINELOPS_NODE_CPU=32         allocatable cpu per node
#   SENTINELOPS_NODE_MEMORY=128Gi   allocatable memory per node
#   SENTINELOPS_NODE_PODS=110       allocatable pods per node
#   SENTINELOPS_METRICS_SERVER=1    run metrics-server behind v1beta1.metrics.k8s.io (0: skip it)
#   SENTINELOPS_START_TIMEOUT=120   seconds to wait for each readiness step
#
# Idempotent: if every component recorded in the pid files is alive and the apiserver is ready,
# it reports the existing cluster and exits 0. A half-dead cluster is stopped and started afresh.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/versions.sh"
source "$HERE/lib.sh"
trap 'log "up.sh failed at line $LINENO: $BASH_COMMAND (logs: $LOGS)"' ERR

NODES=${SENTINELOPS_NODES:-3}
NODE_CPU=${SENTINELOPS_NODE_CPU:-32}
NODE_MEMORY=${SENTINELOPS_NODE_MEMORY:-128Gi}
NODE_PODS=${SENTINELOPS_NODE_PODS:-110}
METRICS=${SENTINELOPS_METRICS_SERVER:-1}
TIMEOUT=${SENTINELOPS_START_TIMEOUT:-120}
# Service and pod addresses are only data here (no kube-proxy, no CNI): nothing ever connects to them.
SERVICE_CIDR=10.96.0.0/16
POD_CIDR=10.244.0.1/16
KUBECONFIG_OUT=$CLUSTER_DIR/kubeconfig

[[ $NODES =~ ^[0-9]+$ ]] || die "SENTINELOPS_NODES must be a non-negative integer, got '$NODES'"
for tool in openssl curl node; do command -v "$tool" >/dev/null || die "$tool is required"; done

wanted_components() {
  local c
  for c in "${COMPONENTS[@]}"; do
    [[ $c == metrics-server && $METRICS != 1 ]] && continue
    echo "$c"
  done
}

print_ready() {
  log "cluster is up: $(grep -m1 'server:' "$KUBECONFIG_OUT" | awk '{print $2}')  (state: $CLUSTER_DIR)"
  echo "export KUBECONFIG=$KUBECONFIG_OUT"
}

# ---- already up? -------------------------------------------------------------------------------
already_up() {
  local c
  [[ -f $KUBECONFIG_OUT ]] || return 1
  for c in $(wanted_components); do live_pid "$c" >/dev/null || return 1; done
  "$KUBECTL" --kubeconfig "$KUBECONFIG_OUT" get --raw /readyz >/dev/null 2>&1
}

"$HERE/build.sh" k8s etcd kwok
[[ $METRICS == 1 ]] && "$HERE/build.sh" metrics-server
KUBECTL=$K8S_BIN/kubectl

if already_up; then
  log "already running; reusing it"
  print_ready
  exit 0
fi
if compgen -G "$PIDS/*.pid" >/dev/null; then
  log "found a partial cluster; stopping it first"
  bash "$HERE/down.sh"
fi

# ---- fresh state -------------------------------------------------------------------------------
rm -rf "$CLUSTER_DIR"
mkdir -p "$CLUSTER_DIR" "$LOGS" "$PIDS"
bash "$HERE/pki.sh" "$PKI"

read -r ETCD_PORT ETCD_PEER_PORT API_PORT KCM_PORT SCHED_PORT KWOK_PORT MS_PORT < <(free_ports 7 | paste -sd " ")
cat > "$CLUSTER_DIR/ports.env" <<EOF
ETCD_PORT=$ETCD_PORT
API_PORT=$API_PORT
KCM_PORT=$KCM_PORT
SCHED_PORT=$SCHED_PORT
KWOK_PORT=$KWOK_PORT
METRICS_SERVER_PORT=$MS_PORT
EOF
API_URL=https://127.0.0.1:$API_PORT

# write_kubeconfig FILE USER: self-contained kubeconfig (certs embedded) for a client cert in $PKI.
write_kubeconfig() {
  local file=$1 user=$2
  cat > "$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: sentinelops
  cluster:
    server: $API_URL
    certificate-authority-data: $(base64 -w0 < "$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 < "$PKI/$user.crt")
    client-key-data: $(base64 -w0 < "$PKI/$user.key")
contexts:
- name: sentinelops
  context: {cluster: sentinelops, user: $user}
current-context: sentinelops
EOF
  chmod 600 "$file"
}
for u in kube-controller-manager kube-scheduler kwok metrics-server; do write_kubeconfig "$CLUSTER_DIR/$u.kubeconfig" "$u"; done

# start NAME BINARY ARGS...: runs a component in the background, logs to $LOGS/NAME.log, and
# records "pid executable" so down.sh can stop exactly this process.
start() {
  local name=$1 bin=$2; shift 2
  [[ -x $bin ]] || die "$name binary missing: $bin (run test/cluster/build.sh)"
  nohup "$bin" "$@" >"$LOGS/$name.log" 2>&1 < /dev/null &
  echo "$! $(readlink -f "$bin")" > "$PIDS/$name.pid"
  log "started $name (pid $!)"
}

# wait_for NAME DESCRIPTION COMMAND...: polls COMMAND until it succeeds; on timeout or if the
# component died, prints its log tail and fails.
wait_for() {
  local name=$1 what=$2; shift 2
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if ! live_pid "$name" >/dev/null; then
      tail_log "$name" 40
      die "$name exited while waiting for $what (log: $LOGS/$name.log)"
    fi
    if ((SECONDS >= deadline)); then
      tail_log "$name" 40
      die "timed out after ${TIMEOUT}s waiting for $what (log: $LOGS/$name.log)"
    fi
    sleep 0.5
  done
  log "$what: ok"
}
healthz() { curl -fsk --max-time 2 "https://127.0.0.1:$1/healthz"; }
k() { "$KUBECTL" --kubeconfig "$KUBECONFIG_OUT" "$@"; }

# ---- etcd --------------------------------------------------------------------------------------
start etcd "$ETCD_BIN/etcd" \
  --name=sentinelops --data-dir="$CLUSTER_DIR/etcd-data" \
  --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster="sentinelops=http://127.0.0.1:$ETCD_PEER_PORT" \
  --unsafe-no-fsync=true --quota-backend-bytes=2147483648 --log-level=warn
wait_for etcd "etcd health" curl -fs --max-time 2 "http://127.0.0.1:$ETCD_PORT/health"

# ---- kube-apiserver ----------------------------------------------------------------------------
start kube-apiserver "$K8S_BIN/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
  --cert-dir="$PKI" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction --allow-privileged=true \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types=InternalIP \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --endpoint-reconciler-type=none \
  --profiling=false --v=1
# ^ endpoint-reconciler none: Endpoints may not hold a loopback address, and nothing in-cluster
#   needs to reach the apiserver through the kubernetes Service (there is no service network).
write_kubeconfig "$KUBECONFIG_OUT" admin
wait_for kube-apiserver "kube-apiserver /readyz" k get --raw /readyz

# ---- controller-manager and scheduler ----------------------------------------------------------
start kube-controller-manager "$K8S_BIN/kube-controller-manager" \
  --kubeconfig="$CLUSTER_DIR/kube-controller-manager.kubeconfig" \
  --authentication-kubeconfig="$CLUSTER_DIR/kube-controller-manager.kubeconfig" \
  --authorization-kubeconfig="$CLUSTER_DIR/kube-controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --leader-elect=false \
  --use-service-account-credentials=true \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" --cluster-name=sentinelops \
  --controllers='*,bootstrapsigner,tokencleaner' \
  --profiling=false --v=1
start kube-scheduler "$K8S_BIN/kube-scheduler" \
  --kubeconfig="$CLUSTER_DIR/kube-scheduler.kubeconfig" \
  --authentication-kubeconfig="$CLUSTER_DIR/kube-scheduler.kubeconfig" \
  --authorization-kubeconfig="$CLUSTER_DIR/kube-scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --leader-elect=false \
  --profiling=false --v=1
wait_for kube-controller-manager "kube-controller-manager /healthz" healthz "$KCM_PORT"
wait_for kube-scheduler "kube-scheduler /healthz" healthz "$SCHED_PORT"

# ---- kwok fake nodes ---------------------------------------------------------------------------
# Nodes report InternalIP 127.0.0.1 and kwok's port as their kubelet port, so everything that
# talks to a "kubelet" (logs/exec via the apiserver, metrics-server) reaches kwok on loopback.
start kwok "$KWOK_BIN/kwok" \
  --kubeconfig="$CLUSTER_DIR/kwok.kubeconfig" \
  --config="$SENTINELOPS_CACHE/kwok-$KWOK_VERSION/config/kwok.yaml" --config="$HERE/kwok/fault-stages.yaml" \
  --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --node-ip=127.0.0.1 --node-port="$KWOK_PORT" --cidr="$POD_CIDR" \
  --server-address="127.0.0.1:$KWOK_PORT" \
  --tls-cert-file="$PKI/kubelet-serving.crt" --tls-private-key-file="$PKI/kubelet-serving.key" \
  --node-lease-duration-seconds=40
wait_for kwok "kwok /healthz" healthz "$KWOK_PORT"

nodes_yaml() {
  local i name
  for ((i = 0; i < NODES; i++)); do
    name=kwok-node-$i
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
    metrics.k8s.io/resource-metrics-path: /metrics/nodes/$name/metrics/resource
  labels:
    type: kwok
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: $name
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: ""
    topology.kubernetes.io/zone: zone-$((i % 3))
spec: {}
status:
  allocatable: {cpu: "$NODE_CPU", memory: $NODE_MEMORY, pods: "$NODE_PODS"}
  capacity: {cpu: "$NODE_CPU", memory: $NODE_MEMORY, pods: "$NODE_PODS"}
EOF
  done
}
if ((NODES > 0)); then
  nodes_yaml | k apply -f - >/dev/null
  wait_for kwok "$NODES node(s) Ready" k wait --for=condition=Ready node --all --timeout=5s
fi

# ---- service accounts --------------------------------------------------------------------------
wait_for kube-controller-manager "default ServiceAccount" k -n default get serviceaccount default
# A long-lived token for clients that prefer bearer auth over the admin client certificate.
k -n kube-system create serviceaccount sentinelops-admin >/dev/null
k create clusterrolebinding sentinelops-admin --clusterrole=cluster-admin \
  --serviceaccount=kube-system:sentinelops-admin >/dev/null
k -n kube-system create token sentinelops-admin --duration=24h > "$CLUSTER_DIR/token"
chmod 600 "$CLUSTER_DIR/token"

# ---- metrics-server ----------------------------------------------------------------------------
if [[ $METRICS == 1 ]]; then
  start metrics-server "$METRICS_SERVER_BIN/metrics-server" \
    --kubeconfig="$CLUSTER_DIR/metrics-server.kubeconfig" \
    --authentication-kubeconfig="$CLUSTER_DIR/metrics-server.kubeconfig" \
    --authorization-kubeconfig="$CLUSTER_DIR/metrics-server.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$MS_PORT" \
    --tls-cert-file="$PKI/metrics-server-serving.crt" --tls-private-key-file="$PKI/metrics-server-serving.key" \
    --kubelet-preferred-address-types=InternalIP --kubelet-use-node-status-port --kubelet-insecure-tls \
    --metric-resolution=15s
  wait_for metrics-server "metrics-server /readyz" curl -fsk --max-time 2 "https://127.0.0.1:$MS_PORT/livez"
  # With no service network, the aggregator must reach metrics-server on loopback: its default
  # (cluster-IP) service resolver turns an ExternalName Service into externalName:port. Endpoint
  # routing (--enable-aggregator-routing) would not: it rejects ExternalName, and Endpoints may not
  # hold 127.0.0.1.
  k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Service
metadata: {name: metrics-server, namespace: kube-system}
spec:
  type: ExternalName
  externalName: localhost
  ports: [{name: https, port: $MS_PORT, protocol: TCP}]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
spec:
  group: metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  insecureSkipTLSVerify: true
  service: {name: metrics-server, namespace: kube-system, port: $MS_PORT}
EOF
  wait_for metrics-server "APIService v1beta1.metrics.k8s.io Available" \
    k wait --for=condition=Available apiservice/v1beta1.metrics.k8s.io --timeout=5s
fi

print_ready
