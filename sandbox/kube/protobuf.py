"""Decoding of the Kubernetes protobuf envelope for the few kinds clients send in protobuf.

client-go's typed clients (Helm's release storage among them) send Secrets, ConfigMaps, Namespaces,
DeleteOptions and access reviews as `application/vnd.kubernetes.protobuf`: the bytes `k8s\\0`, then a
`runtime.Unknown` message whose `raw` field holds the object. The emulator answers in JSON, which those
clients also accept, so only decoding is needed. Field numbers are those of the generated.proto files of
k8s.io/api and k8s.io/apimachinery.
"""

from __future__ import annotations

import base64
import datetime

from sandbox.kube.errors import ApiError

MAGIC = b"k8s\x00"
MEDIA_TYPE = "application/vnd.kubernetes.protobuf"

# field number -> (JSON name, type). Types: string, bytes, int, bool, time, quantity, intorstring, a
# message name, or "map:<value type>" / "list:<item type>"; a `*` marks a pointer field (its zero value is
# kept); a name "" marks an embedded struct that JSON inlines.
MESSAGES: dict[str, dict[int, tuple[str, str]]] = {
    "Unknown": {
        1: ("typeMeta", "TypeMeta"),
        2: ("raw", "bytes"),
        3: ("contentEncoding", "string"),
        4: ("contentType", "string"),
    },
    "TypeMeta": {1: ("apiVersion", "string"), 2: ("kind", "string")},
    "ObjectMeta": {
        1: ("name", "string"),
        2: ("generateName", "string"),
        3: ("namespace", "string"),
        4: ("selfLink", "string"),
        5: ("uid", "string"),
        6: ("resourceVersion", "string"),
        7: ("generation", "int"),
        8: ("creationTimestamp", "time"),
        9: ("deletionTimestamp", "time"),
        10: ("deletionGracePeriodSeconds", "int*"),
        11: ("labels", "map:string"),
        12: ("annotations", "map:string"),
        13: ("ownerReferences", "list:OwnerReference"),
        14: ("finalizers", "list:string"),
    },
    "OwnerReference": {
        1: ("kind", "string"),
        3: ("name", "string"),
        4: ("uid", "string"),
        5: ("apiVersion", "string"),
        6: ("controller", "bool*"),
        7: ("blockOwnerDeletion", "bool*"),
    },
    "Time": {1: ("seconds", "int"), 2: ("nanos", "int")},
    "Quantity": {1: ("string", "string")},
    "Secret": {
        1: ("metadata", "ObjectMeta"),
        2: ("data", "map:bytes"),
        3: ("type", "string"),
        4: ("stringData", "map:string"),
        5: ("immutable", "bool*"),
    },
    "ConfigMap": {
        1: ("metadata", "ObjectMeta"),
        2: ("data", "map:string"),
        3: ("binaryData", "map:bytes"),
        4: ("immutable", "bool*"),
    },
    "Namespace": {
        1: ("metadata", "ObjectMeta"),
        2: ("spec", "NamespaceSpec"),
        3: ("status", "NamespaceStatus"),
    },
    "NamespaceSpec": {1: ("finalizers", "list:string")},
    "NamespaceStatus": {1: ("phase", "string")},
    "DeleteOptions": {
        1: ("gracePeriodSeconds", "int*"),
        2: ("preconditions", "Preconditions"),
        3: ("orphanDependents", "bool*"),
        4: ("propagationPolicy", "string*"),
        5: ("dryRun", "list:string"),
    },
    "Preconditions": {1: ("uid", "string*"), 2: ("resourceVersion", "string*")},
    # kubectl auth can-i
    "SelfSubjectAccessReview": {1: ("metadata", "ObjectMeta"), 2: ("spec", "SelfSubjectAccessReviewSpec")},
    "SelfSubjectAccessReviewSpec": {
        1: ("resourceAttributes", "ResourceAttributes"),
        2: ("nonResourceAttributes", "NonResourceAttributes"),
    },
    "ResourceAttributes": {
        1: ("namespace", "string"),
        2: ("verb", "string"),
        3: ("group", "string"),
        4: ("version", "string"),
        5: ("resource", "string"),
        6: ("subresource", "string"),
        7: ("name", "string"),
    },
    "NonResourceAttributes": {1: ("path", "string"), 2: ("verb", "string")},
    "SelfSubjectRulesReview": {1: ("metadata", "ObjectMeta"), 2: ("spec", "SelfSubjectRulesReviewSpec")},
    "SelfSubjectRulesReviewSpec": {1: ("namespace", "string")},
    # kubectl auth whoami, kubectl create token
    "SelfSubjectReview": {1: ("metadata", "ObjectMeta")},
    "TokenRequest": {1: ("metadata", "ObjectMeta"), 2: ("spec", "TokenRequestSpec")},
    "TokenRequestSpec": {
        1: ("audiences", "list:string"),
        3: ("boundObjectRef", "BoundObjectReference"),
        4: ("expirationSeconds", "int*"),
    },
    "BoundObjectReference": {
        1: ("kind", "string"),
        2: ("apiVersion", "string"),
        3: ("name", "string"),
        4: ("uid", "string"),
    },
    # The workload kinds of kubectl create deployment|job|cronjob (the fields its generators set, and the
    # rest of the pod template a user may add with --dry-run=client -o yaml | edit | kubectl create).
    "Deployment": {1: ("metadata", "ObjectMeta"), 2: ("spec", "DeploymentSpec")},
    "DeploymentSpec": {
        1: ("replicas", "int*"),
        2: ("selector", "LabelSelector"),
        3: ("template", "PodTemplateSpec"),
        4: ("strategy", "DeploymentStrategy"),
        5: ("minReadySeconds", "int"),
        6: ("revisionHistoryLimit", "int*"),
        7: ("paused", "bool"),
        9: ("progressDeadlineSeconds", "int*"),
    },
    "DeploymentStrategy": {1: ("type", "string"), 2: ("rollingUpdate", "RollingUpdateDeployment")},
    "RollingUpdateDeployment": {1: ("maxUnavailable", "intorstring"), 2: ("maxSurge", "intorstring")},
    "IntOrString": {1: ("type", "int"), 2: ("intVal", "int"), 3: ("strVal", "string")},
    "LabelSelector": {
        1: ("matchLabels", "map:string"),
        2: ("matchExpressions", "list:LabelSelectorRequirement"),
    },
    "LabelSelectorRequirement": {
        1: ("key", "string"),
        2: ("operator", "string"),
        3: ("values", "list:string"),
    },
    "PodTemplateSpec": {1: ("metadata", "ObjectMeta"), 2: ("spec", "PodSpec")},
    "PodSpec": {
        2: ("containers", "list:Container"),
        3: ("restartPolicy", "string"),
        4: ("terminationGracePeriodSeconds", "int*"),
        5: ("activeDeadlineSeconds", "int*"),
        6: ("dnsPolicy", "string"),
        7: ("nodeSelector", "map:string"),
        8: ("serviceAccountName", "string"),
        10: ("nodeName", "string"),
        11: ("hostNetwork", "bool"),
        15: ("imagePullSecrets", "list:LocalObjectReference"),
        19: ("schedulerName", "string"),
        20: ("initContainers", "list:Container"),
        21: ("automountServiceAccountToken", "bool*"),
        24: ("priorityClassName", "string"),
    },
    "LocalObjectReference": {1: ("name", "string")},
    "Container": {
        1: ("name", "string"),
        2: ("image", "string"),
        3: ("command", "list:string"),
        4: ("args", "list:string"),
        5: ("workingDir", "string"),
        6: ("ports", "list:ContainerPort"),
        7: ("env", "list:EnvVar"),
        8: ("resources", "ResourceRequirements"),
        14: ("imagePullPolicy", "string"),
        16: ("stdin", "bool"),
        18: ("tty", "bool"),
    },
    "ContainerPort": {
        1: ("name", "string"),
        2: ("hostPort", "int"),
        3: ("containerPort", "int"),
        4: ("protocol", "string"),
        5: ("hostIP", "string"),
    },
    "EnvVar": {1: ("name", "string"), 2: ("value", "string")},
    "ResourceRequirements": {1: ("limits", "map:quantity"), 2: ("requests", "map:quantity")},
    "Job": {1: ("metadata", "ObjectMeta"), 2: ("spec", "JobSpec")},
    "JobSpec": {
        1: ("parallelism", "int*"),
        2: ("completions", "int*"),
        3: ("activeDeadlineSeconds", "int*"),
        4: ("selector", "LabelSelector"),
        5: ("manualSelector", "bool*"),
        6: ("template", "PodTemplateSpec"),
        7: ("backoffLimit", "int*"),
        8: ("ttlSecondsAfterFinished", "int*"),
        9: ("completionMode", "string*"),
        10: ("suspend", "bool*"),
    },
    "CronJob": {1: ("metadata", "ObjectMeta"), 2: ("spec", "CronJobSpec")},
    "CronJobSpec": {
        1: ("schedule", "string"),
        2: ("startingDeadlineSeconds", "int*"),
        3: ("concurrencyPolicy", "string"),
        4: ("suspend", "bool*"),
        5: ("jobTemplate", "JobTemplateSpec"),
        6: ("successfulJobsHistoryLimit", "int*"),
        7: ("failedJobsHistoryLimit", "int*"),
        8: ("timeZone", "string*"),
    },
    "JobTemplateSpec": {1: ("metadata", "ObjectMeta"), 2: ("spec", "JobSpec")},
    # kubectl create role|clusterrole|rolebinding|clusterrolebinding|serviceaccount
    "Role": {1: ("metadata", "ObjectMeta"), 2: ("rules", "list:PolicyRule")},
    "ClusterRole": {1: ("metadata", "ObjectMeta"), 2: ("rules", "list:PolicyRule")},
    "PolicyRule": {
        1: ("verbs", "list:string"),
        2: ("apiGroups", "list:string"),
        3: ("resources", "list:string"),
        4: ("resourceNames", "list:string"),
        5: ("nonResourceURLs", "list:string"),
    },
    "RoleBinding": {
        1: ("metadata", "ObjectMeta"),
        2: ("subjects", "list:Subject"),
        3: ("roleRef", "RoleRef"),
    },
    "ClusterRoleBinding": {
        1: ("metadata", "ObjectMeta"),
        2: ("subjects", "list:Subject"),
        3: ("roleRef", "RoleRef"),
    },
    "Subject": {
        1: ("kind", "string"),
        2: ("apiGroup", "string"),
        3: ("name", "string"),
        4: ("namespace", "string"),
    },
    "RoleRef": {1: ("apiGroup", "string"), 2: ("kind", "string"), 3: ("name", "string")},
    "ServiceAccount": {1: ("metadata", "ObjectMeta"), 3: ("automountServiceAccountToken", "bool*")},
    # kubectl create ingress|service|poddisruptionbudget|priorityclass
    "Ingress": {1: ("metadata", "ObjectMeta"), 2: ("spec", "IngressSpec")},
    "IngressSpec": {
        1: ("defaultBackend", "IngressBackend"),
        2: ("tls", "list:IngressTLS"),
        3: ("rules", "list:IngressRule"),
        4: ("ingressClassName", "string*"),
    },
    "IngressTLS": {1: ("hosts", "list:string"), 2: ("secretName", "string")},
    "IngressRule": {1: ("host", "string"), 2: ("", "IngressRuleValue")},  # "": inlined in JSON
    "IngressRuleValue": {1: ("http", "HTTPIngressRuleValue")},
    "HTTPIngressRuleValue": {1: ("paths", "list:HTTPIngressPath")},
    "HTTPIngressPath": {1: ("path", "string"), 2: ("backend", "IngressBackend"), 3: ("pathType", "string*")},
    "IngressBackend": {4: ("service", "IngressServiceBackend")},
    "IngressServiceBackend": {1: ("name", "string"), 2: ("port", "ServiceBackendPort")},
    "ServiceBackendPort": {1: ("name", "string"), 2: ("number", "int")},
    "Service": {1: ("metadata", "ObjectMeta"), 2: ("spec", "ServiceSpec")},
    "ServiceSpec": {
        1: ("ports", "list:ServicePort"),
        2: ("selector", "map:string"),
        3: ("clusterIP", "string"),
        4: ("type", "string"),
        10: ("externalName", "string"),
    },
    "ServicePort": {
        1: ("name", "string"),
        2: ("protocol", "string"),
        3: ("port", "int"),
        4: ("targetPort", "intorstring"),
        5: ("nodePort", "int"),
    },
    "PodDisruptionBudget": {1: ("metadata", "ObjectMeta"), 2: ("spec", "PodDisruptionBudgetSpec")},
    "PodDisruptionBudgetSpec": {
        1: ("minAvailable", "intorstring"),
        2: ("selector", "LabelSelector"),
        3: ("maxUnavailable", "intorstring"),
        4: ("unhealthyPodEvictionPolicy", "string*"),
    },
    "PriorityClass": {
        1: ("metadata", "ObjectMeta"),
        2: ("value", "int"),
        3: ("globalDefault", "bool"),
        4: ("description", "string"),
        5: ("preemptionPolicy", "string*"),
    },
}
KINDS = {
    "Secret",
    "ConfigMap",
    "Namespace",
    "DeleteOptions",
    "SelfSubjectAccessReview",
    "SelfSubjectRulesReview",
    "SelfSubjectReview",
    "TokenRequest",
    "Deployment",
    "Job",
    "CronJob",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ServiceAccount",
    "Ingress",
    "Service",
    "PodDisruptionBudget",
    "PriorityClass",
}


def _varint(data: bytes, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if position >= len(data):
            raise ApiError(400, "truncated protobuf body")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7


def wire_fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """(field number, value) pairs of a message: ints for varints, bytes for length-delimited fields."""
    fields = []
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, position = _varint(data, position)
        elif wire_type == 2:
            length, position = _varint(data, position)
            value = data[position : position + length]
            position += length
        elif wire_type == 1:
            value = int.from_bytes(data[position : position + 8], "little")
            position += 8
        elif wire_type == 5:
            value = int.from_bytes(data[position : position + 4], "little")
            position += 4
        else:
            raise ApiError(400, f"unsupported protobuf wire type {wire_type}")
        fields.append((number, value))
    return fields


def _scalar(value: int | bytes, kind: str) -> object:
    if kind == "string":
        return value.decode() if isinstance(value, bytes) else str(value)
    if kind == "bytes":
        return base64.b64encode(value).decode() if isinstance(value, bytes) else ""
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return value - (1 << 64) if isinstance(value, int) and value >= 1 << 63 else value
    if kind == "quantity":
        return decode_message(value, "Quantity").get("string", "") if isinstance(value, bytes) else ""
    if kind == "intorstring":
        decoded = decode_message(value, "IntOrString") if isinstance(value, bytes) else {}
        return decoded.get("strVal", "") if decoded.get("type") == 1 else decoded.get("intVal", 0)
    if kind == "time":
        seconds = decode_message(value, "Time").get("seconds", 0) if isinstance(value, bytes) else 0
        if seconds <= 0:
            return None  # Go's zero time (year 1): JSON null
        return datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return decode_message(value, kind) if isinstance(value, bytes) else {}


def decode_message(data: bytes, message: str) -> dict:
    spec = MESSAGES[message]
    result: dict = {}
    for number, value in wire_fields(data):
        if number not in spec:
            continue  # fields the emulator does not need (managedFields, conditions) are skipped
        name, kind = spec[number]
        if kind.startswith("map:"):
            entry = dict(wire_fields(value)) if isinstance(value, bytes) else {}
            key = entry.get(1, b"").decode() if isinstance(entry.get(1, b""), bytes) else ""
            result.setdefault(name, {})[key] = _scalar(entry.get(2, b""), kind[4:])
        elif kind.startswith("list:"):
            result.setdefault(name, []).append(_scalar(value, kind[5:]))
        elif not name:
            result.update(_scalar(value, kind))  # an embedded struct whose fields JSON inlines
        elif kind.endswith("*"):
            result[name] = _scalar(value, kind[:-1])  # a pointer field: set, even to its zero value
        else:
            decoded = _scalar(value, kind)
            # gogo-protobuf writes the zero values of non-pointer fields, which Go's JSON omits.
            if decoded is not None and (
                decoded not in ("", 0, False) or kind not in ("string", "int", "bool")
            ):
                result[name] = decoded
    return result


def decode(body: bytes) -> dict:
    """A protobuf request body → the JSON-shaped object it encodes."""
    if not body.startswith(MAGIC):
        raise ApiError(400, "protobuf body lacks the k8s envelope prefix")
    envelope = decode_message(body[len(MAGIC) :], "Unknown")
    type_meta = envelope.get("typeMeta") or {}
    kind = type_meta.get("kind", "")
    if kind not in KINDS:
        raise ApiError(415, f"the emulator accepts protobuf only for {sorted(KINDS)}, not {kind!r}")
    raw = base64.b64decode(envelope.get("raw", ""))
    obj = decode_message(raw, kind)
    if type_meta.get("apiVersion"):
        obj["apiVersion"] = type_meta["apiVersion"]
    obj["kind"] = kind
    return obj
