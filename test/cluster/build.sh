#!/usr/bin/env bash
# Builds (or reuses) the control-plane binaries from Go modules into $SENTINELOPS_CACHE, keyed by version.
# Usage: build.sh [k8s|etcd|kwok|metrics-server|helm]...   (default: the four control-plane components;
# helm is built only when named, since only test/deploy needs it)
# A component is rebuilt only when its bin/.complete stamp is missing, so a warm run takes well under a second.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/versions.sh"

export CGO_ENABLED=0 GOFLAGS=-mod=mod
# Non-login shells (CI, npm scripts) may not have the Go toolchain on PATH.
if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then PATH=/usr/local/go/bin:$PATH; fi
# The 2-core CI box: more parallel compiles only add memory pressure.
GO_P=${SENTINELOPS_GO_P:-2}

log() { printf '[build] %s\n' "$*" >&2; }
# A directory outside any module, for `go mod download` queries.
SCRATCH=$(mktemp -d); trap 'rm -rf "$SCRATCH"' EXIT

# build_component NAME BIN_DIR LDFLAGS PKG...
# Copies test/cluster/build/NAME (go.mod, go.sum) to a scratch dir beside the cache so the
# repository's files are never rewritten by the go command, then builds PKGs into BIN_DIR.
build_component() {
  local name=$1 bin=$2 ldflags=$3; shift 3
  if [[ -f $bin/.complete ]]; then log "$name: cached in $bin"; return 0; fi
  command -v go >/dev/null || { log "go not found on PATH or in /usr/local/go/bin (need Go >= 1.26 for etcd $ETCD_VERSION)"; exit 1; }
  local work; work=$(dirname "$bin")/src
  rm -rf "$work" "$bin"; mkdir -p "$work" "$bin"
  cp "$HERE/build/$name/go.mod" "$work/"
  [[ -f $HERE/build/$name/go.sum ]] && cp "$HERE/build/$name/go.sum" "$work/"
  log "$name: building $* (go build -p $GO_P) ..."
  local t0=$SECONDS
  (cd "$work" && go build -p "$GO_P" -trimpath -ldflags "-s -w $ldflags" -o "$bin/" "$@")
  touch "$bin/.complete"
  log "$name: built in $((SECONDS - t0))s -> $bin"
}

# Version stamps the release build would set; without them the binaries report v0.0.0-master.
k8s_ldflags() {
  local v=${K8S_VERSION#v} p=k8s.io/component-base/version
  local major=${v%%.*} rest=${v#*.}; local minor=${rest%%.*}
  echo "-X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
}

# helm's release stamps: its version (else the bare "v3.22" of the source tree), and the Kubernetes version that
# `helm template`/`lint` assume, which its Makefile derives from client-go v0.X.Y as 1.X (without it, v1.20, and
# a chart's kubeVersion constraint fails).
helm_ldflags() {
  local cg minor
  cg=$(sed -n 's/^\t*k8s.io\/client-go \(v[0-9.]*\).*/\1/p' "$HERE/build/helm/go.mod")
  minor=$(echo "$cg" | cut -d. -f2)
  [[ -n $minor ]] || { log "helm: no k8s.io/client-go version in build/helm/go.mod"; exit 1; }
  echo "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor" \
    "-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor"
}

# kwok's behaviour is data: Stage objects (node-initialize, node-heartbeat-with-lease, pod-ready,
# pod-complete, pod-delete from kustomize/stage/*/fast: the set kwokctl installs by default) and the Metric / ClusterResourceUsage
# objects that emulate the kubelet's /metrics/resource. They are taken from the same kwok module
# version as the binary, so the two never drift.
kwok_config() {
  local out=$SENTINELOPS_CACHE/kwok-$KWOK_VERSION/config/kwok.yaml
  [[ -s $out ]] && return 0
  local dir f
  dir=$(cd "$SCRATCH" && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" |
    sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [[ -d $dir ]] || { log "kwok: module source not found"; exit 1; }
  mkdir -p "$(dirname "$out")"
  for f in stage/node/fast/node-initialize.yaml stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    stage/pod/fast/pod-ready.yaml stage/pod/fast/pod-complete.yaml stage/pod/fast/pod-delete.yaml \
    metrics/resource/metrics-resource.yaml metrics/usage/usage-from-annotation.yaml; do
    echo "---"; cat "$dir/kustomize/$f"
  done > "$out.tmp"
  mv "$out.tmp" "$out"
  log "kwok: config -> $out"
}

# k8s.io/kubernetes points each staging module at ./staging/src/...; our go.mod must replace
# exactly that set with the published $K8S_STAGING_VERSION, or the build silently mixes versions.
verify_k8s_replaces() {
  local upstream ours gomod
  gomod=$(cd "$SCRATCH" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
    sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')
  upstream=$(grep -oE '^\s+k8s.io/[a-z0-9-]+ => ./staging/' "$gomod" | awk '{print $1}' | sort)
  ours=$(grep -oE "^\s+k8s.io/[a-z0-9-]+ => k8s.io/[a-z0-9-]+ $K8S_STAGING_VERSION\$" "$HERE/build/k8s/go.mod" |
    awk '{print $1}' | sort)
  if [[ $upstream != "$ours" ]]; then
    log "k8s: build/k8s/go.mod replaces differ from k8s.io/kubernetes@$K8S_VERSION staging modules:"
    diff <(echo "$upstream") <(echo "$ours") >&2 || true
    exit 1
  fi
  log "k8s: $(echo "$upstream" | wc -l) staging replaces match k8s.io/kubernetes@$K8S_VERSION"
}

build_one() {
  case $1 in
    k8s)
      [[ -f $K8S_BIN/.complete ]] || verify_k8s_replaces
      build_component k8s "$K8S_BIN" "$(k8s_ldflags)" \
        k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
        k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl ;;
    etcd)
      # The etcd main is the module root, which go build would name "server".
      build_component etcd "$ETCD_BIN" "" go.etcd.io/etcd/server/v3 go.etcd.io/etcd/etcdctl/v3
      if [[ -x $ETCD_BIN/server ]]; then mv "$ETCD_BIN/server" "$ETCD_BIN/etcd"; fi ;;
    kwok)
      build_component kwok "$KWOK_BIN" "-X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok
      kwok_config ;;
    metrics-server)
      build_component metrics-server "$METRICS_SERVER_BIN" "" sigs.k8s.io/metrics-server/cmd/metrics-server ;;
    helm)
      build_component helm "$HELM_BIN" "$(helm_ldflags)" helm.sh/helm/v3/cmd/helm ;;
    *) log "unknown component: $1 (k8s|etcd|kwok|metrics-server|helm)"; exit 2 ;;
  esac
}

if [[ $# -eq 0 ]]; then set -- k8s etcd kwok metrics-server; fi
for c in "$@"; do build_one "$c"; done
