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

# field number -> (JSON name, type). Types: string, bytes, int, bool, time, a message name, or
# "map:<value type>" / "list:<item type>".
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
        10: ("deletionGracePeriodSeconds", "int"),
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
        6: ("controller", "bool"),
        7: ("blockOwnerDeletion", "bool"),
    },
    "Time": {1: ("seconds", "int"), 2: ("nanos", "int")},
    "Secret": {
        1: ("metadata", "ObjectMeta"),
        2: ("data", "map:bytes"),
        3: ("type", "string"),
        4: ("stringData", "map:string"),
        5: ("immutable", "bool"),
    },
    "ConfigMap": {
        1: ("metadata", "ObjectMeta"),
        2: ("data", "map:string"),
        3: ("binaryData", "map:bytes"),
        4: ("immutable", "bool"),
    },
    "Namespace": {
        1: ("metadata", "ObjectMeta"),
        2: ("spec", "NamespaceSpec"),
        3: ("status", "NamespaceStatus"),
    },
    "NamespaceSpec": {1: ("finalizers", "list:string")},
    "NamespaceStatus": {1: ("phase", "string")},
    "DeleteOptions": {
        1: ("gracePeriodSeconds", "int"),
        2: ("preconditions", "Preconditions"),
        3: ("orphanDependents", "bool"),
        4: ("propagationPolicy", "string"),
        5: ("dryRun", "list:string"),
    },
    "Preconditions": {1: ("uid", "string"), 2: ("resourceVersion", "string")},
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
}
KINDS = {
    "Secret",
    "ConfigMap",
    "Namespace",
    "DeleteOptions",
    "SelfSubjectAccessReview",
    "SelfSubjectRulesReview",
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
    if kind == "time":
        seconds = decode_message(value, "Time").get("seconds", 0) if isinstance(value, bytes) else 0
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
        else:
            result[name] = _scalar(value, kind)
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
