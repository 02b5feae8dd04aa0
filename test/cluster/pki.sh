#!/usr/bin/env bash
# Generates the cluster PKI with openssl into $1 (a fresh directory):
#   ca.{crt,key}              cluster CA (signs serving and client certs)
#   apiserver.{crt,key}       kube-apiserver serving cert
#   <user>.{crt,key}          client certs: admin, kube-controller-manager, kube-scheduler, kwok,
#                             metrics-server, apiserver-kubelet-client
#   kubelet-serving.{crt,key} serving cert for kwok's emulated kubelet endpoint (127.0.0.1)
#   front-proxy-ca.{crt,key}, front-proxy-client.{crt,key}  aggregation layer (metrics.k8s.io)
#   sa.{key,pub}              service-account token signing key pair
set -euo pipefail
out=${1:?usage: pki.sh DIR}
mkdir -p "$out"; cd "$out"
DAYS=3650
ossl() { openssl "$@" 2>/dev/null; }

new_ca() { # new_ca NAME CN
  ossl ecparam -name prime256v1 -genkey -noout -out "$1.key"
  ossl req -x509 -new -key "$1.key" -subj "/CN=$2" -days "$DAYS" -out "$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}

new_cert() { # new_cert NAME CA SUBJECT EXT_USAGE [SAN]
  local name=$1 ca=$2 subj=$3 usage=$4 san=${5:-}
  ossl ecparam -name prime256v1 -genkey -noout -out "$name.key"
  ossl req -new -key "$name.key" -subj "$subj" -out "$name.csr"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    [[ -n $san ]] && echo "subjectAltName=$san"
  } > "$name.ext"
  ossl x509 -req -in "$name.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial \
    -days "$DAYS" -extfile "$name.ext" -out "$name.crt"
  rm -f "$name.csr" "$name.ext"
}

new_ca ca sentinelops-cluster-ca
new_ca front-proxy-ca sentinelops-front-proxy-ca

new_cert apiserver ca "/CN=kube-apiserver" serverAuth \
  "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.96.0.1"
new_cert kubelet-serving ca "/CN=kwok-kubelet" serverAuth "DNS:localhost,IP:127.0.0.1"
new_cert metrics-server-serving ca "/CN=metrics-server" serverAuth "DNS:localhost,IP:127.0.0.1"

new_cert admin ca "/O=system:masters/CN=sentinelops-admin" clientAuth
new_cert kube-controller-manager ca "/CN=system:kube-controller-manager" clientAuth
new_cert kube-scheduler ca "/CN=system:kube-scheduler" clientAuth
# kwok writes node and pod status for every fake node; metrics-server reads nodes/pods and
# delegates authn/authz. Both are test fixtures, so they get admin rights rather than bespoke RBAC.
new_cert kwok ca "/O=system:masters/CN=kwok" clientAuth
new_cert metrics-server ca "/O=system:masters/CN=metrics-server" clientAuth
new_cert apiserver-kubelet-client ca "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
new_cert front-proxy-client front-proxy-ca "/CN=front-proxy-client" clientAuth

ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key
ossl pkey -in sa.key -pubout -out sa.pub
chmod 600 ./*.key
