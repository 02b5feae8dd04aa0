#!/usr/bin/env bash
# Renders the plain manifests in deploy/manifests/ from the Helm chart, for `kubectl apply -k` users:
#   bash deploy/render-manifests.sh [OUT_DIR]      (default deploy/manifests; test/deploy/chart.test.ts compares)
# Each profile is a directory with a kustomization.yaml; the namespace is "sentinelops" and the token Secret
# "sentinelops-token" must be created before the pods can start (see the README).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/../test/cluster/versions.sh"
HELM=${SENTINELOPS_HELM:-$HELM_BIN/helm}
OUT=${1:-$HERE/manifests}
[[ -x $HELM ]] || { echo "helm not found at $HELM (bash test/cluster/build.sh helm)" >&2; exit 1; }

# render DIR HELM_ARGS...: one profile.
render() {
  local dir=$OUT/$1; shift
  mkdir -p "$dir"
  cat > "$dir/namespace.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: sentinelops
YAML
  {
    echo "# Rendered from deploy/helm/sentinelops by deploy/render-manifests.sh; do not edit (helm template $*)."
    HELM_CACHE_HOME=$(mktemp -d) "$HELM" template sentinelops "$HERE/helm/sentinelops" --namespace sentinelops "$@"
  } > "$dir/sentinelops.yaml"
  cat > "$dir/kustomization.yaml" <<'YAML'
# kubectl apply -k deploy/manifests/<profile>   (after: kubectl -n sentinelops create secret generic sentinelops-token --from-literal=token=...)
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - namespace.yaml
  - sentinelops.yaml
YAML
}

rm -rf "$OUT"
# operator: the MCP server over HTTP with the read-only and operator profiles (the chart's defaults).
render operator
# read-only: observation only, enforced by RBAC as well as by the server.
render read-only --set readOnly=true
# agent: the headless agent as an HA pair behind the Lease (each replica keeps its own SQLite store).
render agent --set mode=agent --set replicas=2 --set store.persistence.enabled=false
