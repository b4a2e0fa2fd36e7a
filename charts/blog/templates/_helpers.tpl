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

{{/*
The release as the application sees it (API_CACHE_VERSION, part of every response cache
key): the image digest when deployed by digest (the same code always shares a cache), else
the tag and the Helm revision (a retagged image must not reuse the old entries).
*/}}
{{- define "blog.releaseVersion" -}}
{{- if .Values.image.digest }}
{{- .Values.image.digest | trimPrefix "sha256:" | trunc 16 }}
{{- else }}
{{- printf "%s-r%d" (default .Chart.AppVersion .Values.image.tag) (int .Release.Revision) }}
{{- end }}
{{- end }}

{{/* Extra pods a rolling update may start (the Deployment's maxSurge), in percent. */}}
{{- define "blog.maxSurgePercent" -}}25{{- end }}

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
{{- if not .Values.config.API_CACHE_VERSION }}
API_CACHE_VERSION: {{ include "blog.releaseVersion" . | quote }}
{{- end }}
{{- if .Values.edge.originLock.enabled }}
ORIGIN_SECRET_HEADER: {{ .Values.edge.originLock.headerName | quote }}
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
DATABASE_POOL_MODE: {{ .Values.database.poolMode | quote }}
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
{{- if .Values.edge.originLock.enabled }}
{{- /* Read from the Secret by key, not envFrom: a missing key stops the pod from starting
(CreateContainerConfigError) instead of running an edge lock that locks nothing. */}}
- name: ORIGIN_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ default (include "blog.secretName" .) .Values.edge.originLock.secretName }}
      key: {{ .Values.edge.originLock.secretKey }}
{{- end }}
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
{{- if .Values.ingress.enabled }}
{{- $alb := .Values.ingress.alb }}
{{- $delay := int $alb.deregistrationDelaySeconds }}
{{- $longest := div (add (int .Values.database.statementTimeoutMs) 999) 1000 }}
{{- if lt $delay (int $longest) }}
{{- fail (printf "timeout chain: ingress.alb.deregistrationDelaySeconds (%d s) must be at least database.statementTimeoutMs (%d s), so the ALB lets the longest request finish on a draining pod" $delay (int $longest)) }}
{{- end }}
{{- $serving := add (int .Values.lifecycle.preStopSleepSeconds) (int $g.gracefulTimeout) }}
{{- if gt $delay (int $serving) }}
{{- fail (printf "timeout chain: ingress.alb.deregistrationDelaySeconds (%d s) must not exceed lifecycle.preStopSleepSeconds + gunicorn.gracefulTimeout (%d s): the ALB would still send in-flight requests to a pod that has exited" $delay (int $serving)) }}
{{- end }}
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

{{/*
The database connection budget (docs/deploying.md "Database connections"). Every gthread
thread keeps its own connection (CONN_MAX_AGE), and a rolling update runs maxSurge extra
pods next to the most the HPA allows; the CronJob and the migrate Job hold one each.
*/}}
{{- define "blog.validateConnectionBudget" -}}
{{- $db := .Values.database }}
{{- $pods := int (ternary .Values.autoscaling.maxReplicas .Values.replicaCount .Values.autoscaling.enabled) }}
{{- $surge := div (add (mul $pods (int (include "blog.maxSurgePercent" .))) 99) 100 }}
{{- $perPod := mul (int .Values.gunicorn.workers) (int .Values.gunicorn.threads) }}
{{- $web := mul (add $pods $surge) $perPod }}
{{- $cron := ternary 1 0 .Values.publishScheduled.enabled }}
{{- $migrate := ternary 1 0 .Values.migrations.enabled }}
{{- $total := add $web (int $db.workerConnections) $cron $migrate (int $db.reservedConnections) }}
{{- if gt (int $total) (int $db.maxConnections) }}
{{- fail (printf "connection budget: %d connections needed, database.maxConnections is %d: web (%d pods + %d surge) x %d workers x %d threads = %d, + database.workerConnections %d + publish_scheduled %d + migrate %d + database.reservedConnections %d. Lower autoscaling.maxReplicas or gunicorn.workers/threads, raise the limit, or put RDS Proxy/PgBouncer in front (docs/deploying.md)" (int $total) (int $db.maxConnections) $pods $surge (int .Values.gunicorn.workers) (int .Values.gunicorn.threads) $web (int $db.workerConnections) $cron $migrate (int $db.reservedConnections)) }}
{{- end }}
{{- end }}

{{/*
The edge: behind CloudFront and the ALB the client's address is the second X-Forwarded-For
entry from the right (CloudFront appends the viewer, the ALB appends CloudFront), so a
smaller TRUSTED_PROXY_COUNT would rate-limit and block CloudFront's addresses instead.
*/}}
{{- define "blog.validateEdge" -}}
{{- if .Values.edge.originLock.enabled }}
{{- $count := int (toString .Values.config.TRUSTED_PROXY_COUNT) }}
{{- if lt $count 2 }}
{{- fail (printf "edge.originLock.enabled puts CloudFront in front of the ALB: config.TRUSTED_PROXY_COUNT must be 2 (it is %d), or every client shares CloudFront's address" $count) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The AWS Load Balancer Controller only gates a pod's readiness on its ALB target health in
namespaces labelled for it; without the gate a rollout can remove old pods before the ALB
sends traffic to the new ones. Checked against the cluster at install time (lookup is
empty when rendering offline, so `helm template` and the tests skip it).
https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/pod_readiness_gate/
*/}}
{{- define "blog.validateReadinessGate" -}}
{{- if and .Values.ingress.enabled .Values.ingress.alb.requirePodReadinessGate (eq .Values.ingress.alb.targetType "ip") }}
{{- $ns := lookup "v1" "Namespace" "" .Release.Namespace }}
{{- if $ns }}
{{- $labels := default (dict) $ns.metadata.labels }}
{{- if ne (get $labels "elbv2.k8s.aws/pod-readiness-gate-inject") "enabled" }}
{{- fail (printf "namespace %s lacks the label elbv2.k8s.aws/pod-readiness-gate-inject=enabled: `kubectl label namespace %s elbv2.k8s.aws/pod-readiness-gate-inject=enabled` (the deploy workflow does), or set ingress.alb.requirePodReadinessGate=false" .Release.Namespace .Release.Namespace) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Pod annotations that roll the pods when what they read at start changes: settings, the
Secret the chart makes, and (on upgrade) the data of a Secret made outside the chart or by
the External Secrets Operator, read from the cluster. Rotations between deploys need
Reloader (reloader.enabled).
*/}}
{{- define "blog.rolloutChecksums" -}}
checksum/config: {{ include "blog.configData" . | sha256sum }}
{{- if and .Values.secret.create (not .Values.externalSecret.enabled) }}
checksum/secret: {{ toJson .Values.secret.values | sha256sum }}
{{- else }}
{{- $secret := lookup "v1" "Secret" .Release.Namespace (include "blog.secretName" .) }}
{{- if $secret }}
checksum/secret: {{ toJson $secret.data | sha256sum }}
{{- end }}
{{- end }}
{{- if .Values.externalSecret.enabled }}
checksum/external-secret: {{ toJson (list .Values.externalSecret.remoteKey .Values.externalSecret.secretStoreRef) | sha256sum }}
{{- end }}
{{- with .Values.edge.originLock.secretName }}
{{- $lock := lookup "v1" "Secret" $.Release.Namespace . }}
{{- if $lock }}
checksum/origin-secret: {{ toJson $lock.data | sha256sum }}
{{- end }}
{{- end }}
{{- end }}

{{/* Secrets whose rotation restarts the pods (Reloader), comma-separated. */}}
{{- define "blog.reloadSecrets" -}}
{{- $names := list (include "blog.secretName" .) }}
{{- with .Values.edge.originLock.secretName }}
{{- $names = append $names . }}
{{- end }}
{{- $names | uniq | join "," }}
{{- end }}
