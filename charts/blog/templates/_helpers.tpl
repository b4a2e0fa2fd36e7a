{{/*
Names and labels, namespaced `blog.*` as in bitnami/charts.
https://helm.sh/docs/chart_best_practices/templates/#names-of-defined-templates
*/}}

{{- define "blog.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "blog.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "blog.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Recommended labels: https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/ */}}
{{- define "blog.labels" -}}
helm.sh/chart: {{ include "blog.chart" . }}
{{ include "blog.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: blog
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "blog.selectorLabels" -}}
app.kubernetes.io/name: {{ include "blog.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector of the web pods (the Deployment, Service, HPA, PDB, NetworkPolicy). */}}
{{- define "blog.webSelectorLabels" -}}
{{ include "blog.selectorLabels" . }}
app.kubernetes.io/component: web
{{- end }}

{{- define "blog.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "blog.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The migration hook runs before the release's own objects exist (pre-install), so it cannot
use the ServiceAccount the chart creates: it uses a ServiceAccount made outside the release
(serviceAccount.create=false) or the namespace's default one. Migrations only need the
database, whose credentials come from the Secret.
*/}}
{{- define "blog.hookServiceAccountName" -}}
{{- if .Values.serviceAccount.create }}default{{ else }}{{ default "default" .Values.serviceAccount.name }}{{ end }}
{{- end }}

{{- define "blog.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Name of the Secret the web pods and the CronJob read. */}}
{{- define "blog.secretName" -}}
{{- if or .Values.externalSecret.enabled .Values.secret.create }}
{{- include "blog.fullname" . }}
{{- else }}
{{- required "secret.existingSecret is required unless secret.create or externalSecret.enabled is set" .Values.secret.existingSecret }}
{{- end }}
{{- end }}

{{/*
Name of the Secret the migration hook reads: a Secret made outside the release, or the
hook-scoped copy (weight -10) made before the Job (weight 0), because a pre-install hook
runs before the release's own Secret exists.
*/}}
{{- define "blog.hookSecretName" -}}
{{- if or .Values.externalSecret.enabled .Values.secret.create }}
{{- printf "%s-migrate" (include "blog.fullname" .) }}
{{- else }}
{{- include "blog.secretName" . }}
{{- end }}
{{- end }}

{{/*
Settings as environment variables: the `config:` map (empty values left out) plus the
values the chart owns (ports, gunicorn, database timeouts, metrics directory). Rendered
into the release ConfigMap and the migration hook's ConfigMap alike.
*/}}
{{- define "blog.configData" -}}
{{- range $key, $value := .Values.config }}
{{- if ne (toString $value) "" }}
{{ $key }}: {{ toString $value | quote }}
{{- end }}
{{- end }}
PORT: {{ .Values.service.port | quote }}
METRICS_PORT: {{ .Values.service.metricsPort | quote }}
PROMETHEUS_MULTIPROC_DIR: "/run/prometheus-multiproc"
GUNICORN_WORKERS: {{ .Values.gunicorn.workers | quote }}
GUNICORN_THREADS: {{ .Values.gunicorn.threads | quote }}
GUNICORN_TIMEOUT: {{ .Values.gunicorn.timeout | quote }}
GUNICORN_GRACEFUL_TIMEOUT: {{ .Values.gunicorn.gracefulTimeout | quote }}
GUNICORN_KEEPALIVE: {{ .Values.gunicorn.keepalive | quote }}
GUNICORN_MAX_REQUESTS: {{ .Values.gunicorn.maxRequests | quote }}
GUNICORN_MAX_REQUESTS_JITTER: {{ .Values.gunicorn.maxRequestsJitter | quote }}
FORWARDED_ALLOW_IPS: {{ .Values.gunicorn.forwardedAllowIps | quote }}
DATABASE_STATEMENT_TIMEOUT_MS: {{ .Values.database.statementTimeoutMs | quote }}
DATABASE_CONN_MAX_AGE: {{ .Values.database.connMaxAge | quote }}
{{- if .Values.tracing.enabled }}
OTEL_SDK_DISABLED: "false"
OTEL_SERVICE_NAME: {{ .Values.tracing.serviceName | quote }}
OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf"
OTEL_TRACES_EXPORTER: "otlp"
OTEL_TRACES_SAMPLER: {{ .Values.tracing.sampler | quote }}
OTEL_TRACES_SAMPLER_ARG: {{ .Values.tracing.samplerArg | quote }}
OTEL_PROPAGATORS: "tracecontext,baggage,xray"
{{- with .Values.tracing.resourceAttributes }}
OTEL_RESOURCE_ATTRIBUTES: {{ . | quote }}
{{- end }}
{{- else }}
OTEL_SDK_DISABLED: "true"
{{- end }}
{{- end }}

{{/*
Environment that depends on the pod itself (Downward API), so it cannot live in a
ConfigMap: the node-local collector's address for OTLP in daemonset mode.
https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/
*/}}
{{- define "blog.podEnv" -}}
{{- if .Values.tracing.enabled }}
- name: HOST_IP
  valueFrom:
    fieldRef:
      fieldPath: status.hostIP
- name: POD_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  {{- if .Values.tracing.endpoint }}
  value: {{ .Values.tracing.endpoint | quote }}
  {{- else if eq .Values.tracing.mode "sidecar" }}
  {{- /* The sidecar listens on the pod IP (observability/otel-collector.yaml). */}}
  value: "http://$(POD_IP):4318"
  {{- else }}
  value: {{ printf "http://$(HOST_IP):%d" (int .Values.tracing.daemonsetPort) | quote }}
  {{- end }}
{{- end }}
{{- end }}

{{/* Writable directories on a read-only root filesystem. */}}
{{- define "blog.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: prometheus-multiproc
  mountPath: /run/prometheus-multiproc
{{- end }}

{{- define "blog.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpVolumeSizeLimit }}
- name: prometheus-multiproc
  emptyDir:
    medium: Memory
    sizeLimit: {{ .Values.metricsVolumeSizeLimit }}
{{- end }}

{{/*
The timeout chain (docs/deploying.md "Timeout chain"), enforced at render time so a values change
cannot silently break graceful shutdown or keep-alive.
*/}}
{{- define "blog.validateTimeoutChain" -}}
{{- $g := .Values.gunicorn }}
{{- if le (int $g.keepalive) (int .Values.ingress.alb.idleTimeoutSeconds) }}
{{- fail (printf "timeout chain: gunicorn.keepalive (%d s) must be longer than ingress.alb.idleTimeoutSeconds (%d s), so the ALB closes idle connections first" (int $g.keepalive) (int .Values.ingress.alb.idleTimeoutSeconds)) }}
{{- end }}
{{- if lt (mul (int $g.gracefulTimeout) 1000) (int .Values.database.statementTimeoutMs) }}
{{- fail (printf "timeout chain: gunicorn.gracefulTimeout (%d s) must be at least database.statementTimeoutMs (%d ms), the longest a request can run, so SIGTERM drains in-flight requests" (int $g.gracefulTimeout) (int .Values.database.statementTimeoutMs)) }}
{{- end }}
{{- $needed := add (int .Values.lifecycle.preStopSleepSeconds) (int $g.gracefulTimeout) (int .Values.lifecycle.terminationMarginSeconds) }}
{{- if lt (int .Values.terminationGracePeriodSeconds) (int $needed) }}
{{- fail (printf "timeout chain: terminationGracePeriodSeconds (%d) must be at least lifecycle.preStopSleepSeconds + gunicorn.gracefulTimeout + lifecycle.terminationMarginSeconds (%d)" (int .Values.terminationGracePeriodSeconds) (int $needed)) }}
{{- end }}
{{- end }}

{{/* Settings that must never sit in a ConfigMap. */}}
{{- define "blog.validateConfig" -}}
{{- range $key, $value := .Values.config }}
{{- if regexMatch "(SECRET|PASSWORD|TOKEN|ACCESS_KEY|^DATABASE_URL$|^REDIS_URL$)" $key }}
{{- fail (printf "config.%s is a credential: put it in the Secret (secret.existingSecret, secret.values or externalSecret), never in the ConfigMap" $key) }}
{{- end }}
{{- end }}
{{- if and .Values.secret.create (not (hasKey .Values.secret.values "DJANGO_SECRET_KEY")) }}
{{- fail "secret.create needs secret.values.DJANGO_SECRET_KEY (and DATABASE_URL, REDIS_URL for production)" }}
{{- end }}
{{- end }}
