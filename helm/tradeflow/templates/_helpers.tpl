{{/* Names and labels. */}}
{{- define "tradeflow.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tradeflow.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "tradeflow.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tradeflow.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tradeflow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "tradeflow.labels" -}}
helm.sh/chart: {{ include "tradeflow.chart" . }}
{{ include "tradeflow.selectorLabels" . }}
app.kubernetes.io/version: {{ include "tradeflow.imageTag" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tradeflow
{{- end -}}

{{/* Selector labels of one component (api, worker, smoke-test): call with (dict "ctx" $ "component" "api"). */}}
{{- define "tradeflow.componentSelectorLabels" -}}
{{ include "tradeflow.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "tradeflow.componentLabels" -}}
{{ include "tradeflow.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "tradeflow.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "tradeflow.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The image tag: values, else the chart's appVersion. The schema refuses "latest". */}}
{{- define "tradeflow.imageTag" -}}
{{- default .Chart.AppVersion .Values.image.tag -}}
{{- end -}}

{{- define "tradeflow.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "tradeflow.imageTag" .) -}}
{{- end -}}

{{/* Checks across values that a JSON schema cannot express; fails the render with a message naming the value. */}}
{{- define "tradeflow.validate" -}}
{{- if has .Values.image.tag (list "latest" "main" "master" "stable") -}}
{{- fail (printf "image.tag %q is a moving tag: deploy an immutable tag such as the commit sha" .Values.image.tag) -}}
{{- end -}}
{{- $reserved := list "NODE_ENV" "TEMPORAL_ADDRESS" "TEMPORAL_NAMESPACE" "TEMPORAL_TASK_QUEUE" "TEMPORAL_UI_URL" "TEMPORAL_TLS" "TEMPORAL_TLS_SERVER_NAME" "TEMPORAL_TLS_CERT_PATH" "TEMPORAL_TLS_KEY_PATH" "TEMPORAL_TLS_CA_PATH" "TEMPORAL_API_KEY" "API_HOST" "API_PORT" "API_TRUST_PROXY" "WORKER_HEALTH_PORT" "WORKER_MAX_CONCURRENT_ACTIVITIES" "WORKER_MAX_CONCURRENT_WORKFLOW_TASKS" "WORKER_MAX_CACHED_WORKFLOWS" "WORKER_SHUTDOWN_GRACE_MS" "AUDIT_LOG_FILE" "AUDIT_ARCHIVE_DIR" "SECRETS_PROVIDER" "VAULT_ADDR" "VAULT_AUTH_METHOD" "VAULT_K8S_ROLE" "VAULT_K8S_MOUNT" "VAULT_K8S_TOKEN_PATH" "VAULT_KV_MOUNT" "VAULT_SECRET_PATH" "VAULT_CACERT" "DATABASE_URL" -}}
{{- range $group := list "config" "extraEnv" -}}
{{- range $name, $value := index $.Values $group -}}
{{- if has $name $reserved -}}
{{- fail (printf "%s.%s is set by the chart from its own values (temporal.*, api.*, worker.*, secrets.*, database.*); set those instead" $group $name) -}}
{{- end -}}
{{- if regexMatch "(SECRET|PASSWORD|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIAL)" $name -}}
{{- fail (printf "%s.%s looks like a secret: put it in the Secret named by secrets.existingSecret (or Vault), never in values" $group $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $role := list "api" "worker" -}}
{{- $as := index $.Values $role "autoscaling" -}}
{{- if lt (int $as.maxReplicas) (int $as.minReplicas) -}}
{{- fail (printf "%s.autoscaling.maxReplicas (%v) must be >= %s.autoscaling.minReplicas (%v)" $role $as.maxReplicas $role $as.minReplicas) -}}
{{- end -}}
{{- end -}}
{{- if and (eq .Values.temporal.auth "mtls") (not .Values.temporal.tls.existingSecret) -}}
{{- fail "temporal.auth=mtls needs temporal.tls.existingSecret (a kubernetes.io/tls Secret with the client certificate)" -}}
{{- end -}}
{{- if and (eq .Values.temporal.auth "apiKey") (not .Values.temporal.apiKey.existingSecret) -}}
{{- fail "temporal.auth=apiKey needs temporal.apiKey.existingSecret (a Secret holding the Temporal Cloud API key)" -}}
{{- end -}}
{{- if and (eq .Values.secrets.provider "vault") (not .Values.secrets.vault.address) -}}
{{- fail "secrets.provider=vault needs secrets.vault.address (e.g. https://vault.vault.svc.cluster.local:8200)" -}}
{{- end -}}
{{- if and .Values.worker.keda.enabled (not .Values.worker.autoscaling.enabled) -}}
{{- fail "worker.keda.enabled needs worker.autoscaling.enabled: KEDA uses its bounds and behaviour" -}}
{{- end -}}
{{- end -}}

{{- define "tradeflow.temporalTls" -}}
{{- or .Values.temporal.tls.enabled (ne .Values.temporal.auth "none") -}}
{{- end -}}

{{/* Environment shared by both roles: the ConfigMap, DATABASE_URL, Temporal credentials, secrets provider. */}}
{{- define "tradeflow.env" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.existingSecret }}
      key: {{ .Values.database.key }}
{{- if eq .Values.temporal.auth "apiKey" }}
- name: TEMPORAL_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.temporal.apiKey.existingSecret }}
      key: {{ .Values.temporal.apiKey.key }}
{{- end }}
{{- range $name, $value := .Values.extraEnv }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{- define "tradeflow.envFrom" -}}
- configMapRef:
    name: {{ include "tradeflow.fullname" . }}
{{- if and (eq .Values.secrets.provider "env") .Values.secrets.existingSecret }}
- secretRef:
    name: {{ .Values.secrets.existingSecret }}
{{- end }}
{{- if and (eq .Values.secrets.provider "vault") .Values.secrets.vault.existingSecret }}
- secretRef:
    name: {{ .Values.secrets.vault.existingSecret }}
{{- end }}
{{- end -}}

{{/* Writable folders on a read-only root filesystem, and the Temporal/Vault certificate mounts. */}}
{{- define "tradeflow.volumeMounts" -}}
- name: data
  mountPath: /app/data
- name: tmp
  mountPath: /tmp
{{- if eq .Values.temporal.auth "mtls" }}
- name: temporal-tls
  mountPath: /etc/tradeflow/temporal-tls
  readOnly: true
{{- end }}
{{- if and (eq .Values.secrets.provider "vault") .Values.secrets.vault.caConfigMap }}
- name: vault-ca
  mountPath: /etc/tradeflow/vault-ca
  readOnly: true
{{- end }}
{{- if eq .Values.secrets.provider "vault" }}
- name: vault-token
  mountPath: /var/run/secrets/tradeflow/vault
  readOnly: true
{{- end }}
{{- end -}}

{{- define "tradeflow.volumes" -}}
- name: data
  emptyDir:
    sizeLimit: 1Gi
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- if eq .Values.temporal.auth "mtls" }}
- name: temporal-tls
  secret:
    secretName: {{ .Values.temporal.tls.existingSecret }}
    defaultMode: 0400
{{- end }}
{{- if and (eq .Values.secrets.provider "vault") .Values.secrets.vault.caConfigMap }}
- name: vault-ca
  configMap:
    name: {{ .Values.secrets.vault.caConfigMap }}
{{- end }}
{{- if eq .Values.secrets.provider "vault" }}
# A short-lived, audience-bound service-account token for Vault's Kubernetes auth (automount stays off).
- name: vault-token
  projected:
    sources:
      - serviceAccountToken:
          path: token
          expirationSeconds: 3600
          audience: vault
{{- end }}
{{- end -}}

{{- define "tradeflow.topologySpread" -}}
{{- if .ctx.Values.topologySpread.enabled -}}
topologySpreadConstraints:
  - maxSkew: {{ .ctx.Values.topologySpread.maxSkew }}
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "tradeflow.componentSelectorLabels" . | nindent 8 }}
  - maxSkew: {{ .ctx.Values.topologySpread.maxSkew }}
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "tradeflow.componentSelectorLabels" . | nindent 8 }}
{{- end }}
{{- end -}}

{{/* Pod-level settings shared by both Deployments. */}}
{{- define "tradeflow.podCommon" -}}
serviceAccountName: {{ include "tradeflow.serviceAccountName" . }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* HorizontalPodAutoscaler behaviour: scale up freely, scale down slowly (the original design's figures). */}}
{{- define "tradeflow.hpaBehavior" -}}
scaleDown:
  stabilizationWindowSeconds: {{ .scaleDown.stabilizationWindowSeconds }}
  policies:
    - type: Percent
      value: {{ .scaleDown.percent }}
      periodSeconds: {{ .scaleDown.periodSeconds }}
{{- end -}}

{{- define "tradeflow.hpaMetrics" -}}
- type: Resource
  resource:
    name: cpu
    target:
      type: Utilization
      averageUtilization: {{ .targetCPUUtilizationPercentage }}
- type: Resource
  resource:
    name: memory
    target:
      type: Utilization
      averageUtilization: {{ .targetMemoryUtilizationPercentage }}
{{- end -}}

{{/* Egress rules shared by both roles: Temporal, PostgreSQL, Vault (when used) and DNS. */}}
{{- define "tradeflow.commonEgress" -}}
{{- $egress := .Values.networkPolicy.egress -}}
{{- $targets := list $egress.temporal $egress.database $egress.dns -}}
{{- if eq .Values.secrets.provider "vault" }}{{ $targets = append $targets $egress.vault }}{{ end -}}
{{- range $target := $targets }}
- to:
    {{- toYaml $target.to | nindent 4 }}
  ports:
    {{- range $port := $target.ports }}
    - protocol: TCP
      port: {{ $port }}
    {{- if eq (int $port) 53 }}
    - protocol: UDP
      port: 53
    {{- end }}
    {{- end }}
{{- end }}
{{- end -}}

{{/* Ingress rule for Prometheus scrapes of one metrics port: call with (dict "ctx" $ "port" N). */}}
{{- define "tradeflow.prometheusIngress" -}}
- from:
    - namespaceSelector:
        {{- toYaml .ctx.Values.networkPolicy.prometheus.namespaceSelector | nindent 8 }}
      podSelector:
        {{- toYaml .ctx.Values.networkPolicy.prometheus.podSelector | nindent 8 }}
  ports:
    - protocol: TCP
      port: {{ .port }}
{{- end -}}
