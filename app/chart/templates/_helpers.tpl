{{/*
Names. The full name is "<release>-<chart>" unless the release name already contains the chart name;
63 characters is the DNS label limit Kubernetes enforces on Service names.
*/}}
{{- define "storefront.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "storefront.fullname" -}}
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

{{- define "storefront.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of one component's objects; call with (dict "root" $ "component" "backend"). */}}
{{- define "storefront.componentName" -}}
{{- printf "%s-%s" (include "storefront.fullname" .root | trunc 54 | trimSuffix "-") .component }}
{{- end }}

{{/* Labels on every object of the release. */}}
{{- define "storefront.labels" -}}
helm.sh/chart: {{ include "storefront.chart" . }}
app.kubernetes.io/name: {{ include "storefront.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ include "storefront.name" . }}
{{- end }}

{{/* Selector labels of one component: stable across upgrades, so never the version. */}}
{{- define "storefront.selectorLabels" -}}
app.kubernetes.io/name: {{ include "storefront.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* All labels of one component's objects. */}}
{{- define "storefront.componentLabels" -}}
{{ include "storefront.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "storefront.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "storefront.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding DATABASE_URL and REDIS_PASSWORD. */}}
{{- define "storefront.secretName" -}}
{{- default (include "storefront.componentName" (dict "root" . "component" "backend")) .Values.secrets.name }}
{{- end }}

{{/* Image reference of one component: registry/repository, then @digest or :tag (default appVersion). */}}
{{- define "storefront.image" -}}
{{- $image := index .root.Values .component "image" }}
{{- $repository := $image.repository }}
{{- with .root.Values.imageRegistry }}
{{- $repository = printf "%s/%s" (trimSuffix "/" .) $repository }}
{{- end }}
{{- if $image.digest }}
{{- printf "%s@%s" $repository $image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (default .root.Chart.AppVersion $image.tag) }}
{{- end }}
{{- end }}

{{/* In-cluster URL of the backend Service, for the frontend's proxy. */}}
{{- define "storefront.backendUrl" -}}
{{- $service := include "storefront.componentName" (dict "root" . "component" "backend") }}
{{- printf "http://%s:%v" $service .Values.backend.service.port }}
{{- end }}

{{/* REDIS_URL: rediss:// when TLS is on (ElastiCache in-transit encryption). The password is separate. */}}
{{- define "storefront.redisUrl" -}}
{{- $redis := .Values.backend.redis }}
{{- printf "%s://%s:%v/%v" (ternary "rediss" "redis" $redis.tls) $redis.host $redis.port $redis.db }}
{{- end }}

{{/*
The pod-level security context: the images run as a numeric non-root user, so runAsNonRoot can be proven.
*/}}
{{- define "storefront.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.runAsUser }}
runAsGroup: {{ .Values.runAsGroup }}
fsGroup: {{ .Values.runAsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Every container's security context: nothing is written to the image, no privilege is gained. */}}
{{- define "storefront.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
{{- end }}

{{/*
The backend's configuration: plain values inline, the two credentials from the Secret. REDIS_PASSWORD is
optional so that a sandbox Redis without AUTH works with a Secret that has only DATABASE_URL.
*/}}
{{- define "storefront.backendEnv" -}}
- name: LOG_LEVEL
  value: {{ .Values.backend.logLevel | quote }}
- name: CACHE_TTL_SECONDS
  value: {{ .Values.backend.cacheTtlSeconds | quote }}
{{- if and .Values.secrets.externalSecret.enabled .Values.secrets.externalSecret.endpointsFromSecrets }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "storefront.secretName" . }}
      key: REDIS_URL
{{- else }}
- name: REDIS_URL
  value: {{ include "storefront.redisUrl" . | quote }}
{{- end }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "storefront.secretName" . }}
      key: DATABASE_URL
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "storefront.secretName" . }}
      key: REDIS_PASSWORD
      optional: true
{{- end }}
