{{/* Names and labels as the upstream chart makes them. */}}
{{- define "argo-cd.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "argo-cd.fullname" -}}
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

{{/* The components the stand-in renders: name (values key), port, kind, enabled. */}}
{{- define "argo-cd.components" -}}
- {key: controller, port: 8082, kind: StatefulSet, enabled: true}
- {key: server, port: 8080, kind: Deployment, enabled: true, servicePort: 80}
- {key: repoServer, port: 8081, kind: Deployment, enabled: true}
- {key: applicationSet, port: 7000, kind: Deployment, enabled: true}
- {key: notifications, port: 9001, kind: Deployment, enabled: {{ .Values.notifications.enabled }}}
- {key: dex, port: 5556, kind: Deployment, enabled: {{ .Values.dex.enabled }}}
- {key: redis, port: 6379, kind: Deployment, enabled: {{ .Values.redis.enabled }}}
{{- end }}

{{- define "argo-cd.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 }}
{{ include "argo-cd.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: argocd
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
{{- end }}

{{- define "argo-cd.selectorLabels" -}}
app.kubernetes.io/name: {{ printf "%s-%s" (include "argo-cd.name" .root) .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end }}
