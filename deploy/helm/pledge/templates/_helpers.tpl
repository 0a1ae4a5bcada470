{{/* Labels every object of the release carries (the Kustomize base sets part-of only). */}}
{{- define "pledge.labels" -}}
app.kubernetes.io/part-of: pledge
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{/* <registry>/<service>:<tag>, the tag defaulting to the chart's appVersion. */}}
{{- define "pledge.image" -}}
{{ .root.Values.image.registry }}/{{ .name }}:{{ .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- end }}

{{/* The Kafka every service talks to. */}}
{{- define "pledge.kafkaBootstrap" -}}
{{ .Values.kafka.bootstrapServers | default (printf "%s-kafka-bootstrap:9092" .Values.kafka.strimzi.clusterName) }}
{{- end }}

{{/* ConfigMap entries every service shares: the broker, JSON logs, traces. */}}
{{- define "pledge.commonConfig" -}}
KAFKA_BOOTSTRAP_SERVERS: {{ include "pledge.kafkaBootstrap" . }}
QUARKUS_LOG_CONSOLE_JSON_ENABLED: "true"
QUARKUS_OTEL_SDK_DISABLED: {{ (not .Values.otel.enabled) | toString | quote }}
QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT: {{ .Values.otel.endpoint }}
{{- end }}

{{/*
One service: its ServiceAccount, ConfigMap, Deployment and Service. Arguments (a dict): root, name,
component, port, values (the service's values), config (ConfigMap entries besides the common and
the values' ones), automount (whether the pod gets a ServiceAccount token), fsGroup, grace
(terminationGracePeriodSeconds, optional), env, volumeMounts, volumes (lists, optional).
*/}}
{{- define "pledge.service" -}}
{{- $root := .root -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .name }}
  labels:
    {{- include "pledge.labels" $root | nindent 4 }}
{{- if not .automount }}
automountServiceAccountToken: false
{{- end }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .name }}
  labels:
    {{- include "pledge.labels" $root | nindent 4 }}
data:
  {{- include "pledge.commonConfig" $root | nindent 2 }}
  {{- with .config }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
  {{- with .values.config }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .name }}
  labels:
    app.kubernetes.io/name: {{ .name }}
    app.kubernetes.io/component: {{ .component }}
    {{- include "pledge.labels" $root | nindent 4 }}
spec:
  replicas: {{ .values.replicas }}
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ .name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ .name }}
        app.kubernetes.io/component: {{ .component }}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ .port | toString | quote }}
        prometheus.io/path: /q/metrics
    spec:
      serviceAccountName: {{ .name }}
      {{- if not .automount }}
      automountServiceAccountToken: false
      {{- end }}
      {{- with .grace }}
      terminationGracePeriodSeconds: {{ . }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        {{- if .fsGroup }}
        fsGroup: 185
        {{- end }}
      containers:
        - name: {{ .name }}
          image: {{ include "pledge.image" (dict "root" $root "name" .name) }}
          {{- with $root.Values.image.pullPolicy }}
          imagePullPolicy: {{ . }}
          {{- end }}
          ports:
            - name: http
              containerPort: {{ .port }}
          envFrom:
            - configMapRef:
                name: {{ .name }}
          {{- with .env }}
          env:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with .volumeMounts }}
          volumeMounts:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          startupProbe:
            httpGet:
              path: /q/health/started
              port: http
            periodSeconds: 2
            failureThreshold: 60
          livenessProbe:
            httpGet:
              path: /q/health/live
              port: http
            periodSeconds: 10
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /q/health/ready
              port: http
            periodSeconds: 5
            failureThreshold: 2
          resources:
            {{- toYaml .values.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: ["ALL"]
      {{- with .volumes }}
      volumes:
        {{- toYaml . | nindent 8 }}
      {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}
  labels:
    app.kubernetes.io/name: {{ .name }}
    {{- include "pledge.labels" $root | nindent 4 }}
spec:
  selector:
    app.kubernetes.io/name: {{ .name }}
  ports:
    - name: http
      port: {{ .port }}
      targetPort: http
{{- if and $root.Values.podDisruptionBudgets (gt (int .values.replicas) 1) }}
---
# Node drains take one replica at a time.
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .name }}
  labels:
    {{- include "pledge.labels" $root | nindent 4 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ .name }}
{{- end }}
{{- end }}
