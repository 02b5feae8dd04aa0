# Pinned versions of everything test/cluster builds. Sourced by build.sh / up.sh.
# Staging modules of k8s.io/kubernetes v1.X.Y are published as v0.X.Y.
K8S_VERSION=v1.34.4
K8S_STAGING_VERSION=v0.34.4
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
METRICS_SERVER_VERSION=v0.8.0
# helm renders/installs the chart in test/deploy; v3 because chart apiVersion v2 is what users run today.
HELM_VERSION=v3.22.0

SENTINELOPS_CACHE=${SENTINELOPS_CACHE:-$HOME/.cache/sentinelops}
K8S_BIN=$SENTINELOPS_CACHE/k8s-$K8S_VERSION/bin
ETCD_BIN=$SENTINELOPS_CACHE/etcd-$ETCD_VERSION/bin
KWOK_BIN=$SENTINELOPS_CACHE/kwok-$KWOK_VERSION/bin
METRICS_SERVER_BIN=$SENTINELOPS_CACHE/metrics-server-$METRICS_SERVER_VERSION/bin
HELM_BIN=$SENTINELOPS_CACHE/helm-$HELM_VERSION/bin
