{{- define "sentinelops.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sentinelops.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "sentinelops.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sentinelops.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "sentinelops.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{ include "sentinelops.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "sentinelops.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sentinelops.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* "true" when the process serves HTTP (mcp-http, both). */}}
{{- define "sentinelops.http" -}}
{{- if has .Values.mode (list "mcp-http" "both") }}true{{ end }}
{{- end }}

{{/* "true" when the agent runs (agent, both). */}}
{{- define "sentinelops.agent" -}}
{{- if has .Values.mode (list "agent" "both") }}true{{ end }}
{{- end }}

{{- define "sentinelops.leaseNamespace" -}}
{{- default .Release.Namespace .Values.agent.leaderElection.leaseNamespace }}
{{- end }}

{{/* The RBAC profiles this installation grants, comma-separated (see src/k8s/permissions.ts). */}}
{{- define "sentinelops.profiles" -}}
{{- $p := list "read-only" }}
{{- if not .Values.readOnly }}{{ $p = append $p "operator" }}{{ end }}
{{- if include "sentinelops.agent" . }}{{ $p = append $p "agent" }}{{ end }}
{{- if and .Values.chaos.enabled (not .Values.readOnly) }}{{ $p = append $p "chaos" }}{{ end }}
{{- if eq .Values.store.backend "kubernetes" }}{{ $p = append $p "store" }}{{ end }}
{{- join "," $p }}
{{- end }}

{{/* Refuses value combinations that would deploy something broken, with the fix in the message. */}}
{{- define "sentinelops.validate" -}}
{{- if not (has .Values.mode (list "mcp-http" "agent" "both")) }}
{{- fail (printf "mode must be mcp-http, agent or both (got %q)" .Values.mode) }}
{{- end }}
{{- if not (has .Values.store.backend (list "sqlite" "kubernetes")) }}
{{- fail (printf "store.backend must be sqlite or kubernetes (got %q)" .Values.store.backend) }}
{{- end }}
{{- if and (gt (int .Values.replicas) 1) .Values.store.persistence.enabled }}
{{- fail "SQLite on a ReadWriteOnce PVC serves one replica: set replicas=1, or store.persistence.enabled=false (with store.backend=kubernetes the replicas share incidents and audit through the CRDs; each keeps only its local history on an emptyDir)" }}
{{- end }}
{{- if and (gt (int .Values.replicas) 1) (include "sentinelops.agent" .) (not .Values.agent.leaderElection.enabled) }}
{{- fail "more than one agent replica needs agent.leaderElection.enabled=true, or two agents would act at once" }}
{{- end }}
{{- if and (include "sentinelops.http" .) (not .Values.auth.existingSecret) }}
{{- fail "auth.existingSecret is required for mode mcp-http and both: a Secret holding the bearer token (kubectl create secret generic sentinelops-token --from-literal=token=$(openssl rand -hex 32))" }}
{{- end }}
{{- if and .Values.chaos.enabled (not .Values.chaos.allowedNamespaces) }}
{{- fail "chaos.enabled needs chaos.allowedNamespaces: chaos permissions are only ever granted per namespace" }}
{{- end }}
{{- if and .Values.readOnly .Values.chaos.enabled }}
{{- fail "chaos.enabled needs readOnly=false: chaos experiments change the cluster" }}
{{- end }}
{{- end }}
