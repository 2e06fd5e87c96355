"""/openapi/v2 in the protobuf form client-go asks for (gnostic's openapi_v2.Document).

client-go's discovery client requests /openapi/v2 only as
`application/com.github.proto-openapi.spec.v2@v1.0+protobuf` and cannot read JSON there; kubectl and Helm
fall back to it for client-side validation when the v3 documents do not settle a question. Only the parts
of the schema language the emulator's documents use are encoded. Field numbers are those of
gnostic's OpenAPIv2.proto.
"""

from __future__ import annotations

import struct

import yaml

MEDIA_TYPE = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
# What is answered: Go's mime parser (which client-go applies to answers) refuses the `@` of the request form.
RESPONSE_MEDIA_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _bytes_field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _string(number: int, value: str) -> bytes:
    return _bytes_field(number, value.encode()) if value else b""


def _bool(number: int, value: bool) -> bytes:
    return _varint(number << 3) + _varint(1) if value else b""


def _int(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _double(number: int, value: float) -> bytes:
    return _varint(number << 3 | 1) + struct.pack("<d", float(value))


def _any(number: int, value: object) -> bytes:
    """gnostic's Any carries a value as YAML text (field 2)."""
    return _bytes_field(number, _string(2, yaml.safe_dump(value, default_flow_style=True).strip()))


def _named_any(number: int, name: str, value: object) -> bytes:
    return _bytes_field(number, _string(1, name) + _any(2, value))


def _extensions(number: int, node: dict) -> bytes:
    return b"".join(_named_any(number, key, value) for key, value in node.items() if key.startswith("x-"))


def schema(node: dict) -> bytes:
    parts = [
        _string(1, node.get("$ref", "")),
        _string(2, node.get("format", "")),
        _string(4, node.get("description", "")),
    ]
    for key, number in (("maximum", 7), ("minimum", 9)):
        if isinstance(node.get(key), int | float):
            parts.append(_double(number, node[key]))
    for key, number in (("maxLength", 11), ("minLength", 12), ("maxItems", 14), ("minItems", 15)):
        if isinstance(node.get(key), int):
            parts.append(_int(number, node[key]))
    parts.append(_string(13, node.get("pattern", "")))
    parts += [_string(19, name) for name in node.get("required", [])]
    parts += [_any(20, value) for value in node.get("enum", [])]
    additional = node.get("additionalProperties")
    if isinstance(additional, dict):
        parts.append(_bytes_field(21, _bytes_field(1, schema(additional))))
    elif isinstance(additional, bool):
        parts.append(_bytes_field(21, _bool(2, additional) or b"\x10\x00"))
    declared = node.get("type")
    if declared:
        types = declared if isinstance(declared, list) else [declared]
        parts.append(_bytes_field(22, b"".join(_string(1, t) for t in types)))
    if isinstance(node.get("items"), dict):
        parts.append(_bytes_field(23, _bytes_field(1, schema(node["items"]))))
    parts += [_bytes_field(24, schema(sub)) for sub in node.get("allOf", [])]
    properties = node.get("properties")
    if properties:
        named = b"".join(
            _bytes_field(1, _string(1, name) + _bytes_field(2, schema(sub)))
            for name, sub in properties.items()
        )
        parts.append(_bytes_field(25, named))
    parts.append(_extensions(31, node))
    return b"".join(parts)


def _operation(operation: dict) -> bytes:
    parts = [_string(5, operation.get("operationId", ""))]
    for parameter in operation.get("parameters", []):
        query = (
            _string(2, parameter.get("in", "query"))
            + _string(4, parameter["name"])
            + _string(6, parameter.get("type", "string"))
            + _bool(20, parameter.get("uniqueItems", False))
        )
        non_body = _bytes_field(3, query)
        parts.append(_bytes_field(8, _bytes_field(1, _bytes_field(2, non_body))))
    for code, response in operation.get("responses", {}).items():
        body = _string(1, response.get("description", ""))
        if isinstance(response.get("schema"), dict):
            body += _bytes_field(2, _bytes_field(1, schema(response["schema"])))
        named = _string(1, code) + _bytes_field(2, _bytes_field(1, body))
        parts.append(_bytes_field(9, _bytes_field(1, named)))
    parts.append(_extensions(13, operation))
    return b"".join(parts)


_METHOD_FIELDS = {"get": 2, "put": 3, "post": 4, "delete": 5, "patch": 8}


def document(v2: dict) -> bytes:
    """Encode a Swagger 2.0 document (as openapi.v2_document builds it) as gnostic protobuf."""
    info = v2.get("info", {})
    paths = b"".join(
        _bytes_field(
            2,
            _string(1, path)
            + _bytes_field(
                2,
                b"".join(
                    _bytes_field(_METHOD_FIELDS[method], _operation(operation))
                    for method, operation in item.items()
                    if method in _METHOD_FIELDS
                ),
            ),
        )
        for path, item in v2.get("paths", {}).items()
    )
    definitions = b"".join(
        _bytes_field(1, _string(1, name) + _bytes_field(2, schema(node)))
        for name, node in v2.get("definitions", {}).items()
    )
    return (
        _string(1, v2.get("swagger", "2.0"))
        + _bytes_field(2, _string(1, info.get("title", "")) + _string(2, info.get("version", "")))
        + _bytes_field(8, paths)
        + _bytes_field(9, definitions)
    )
