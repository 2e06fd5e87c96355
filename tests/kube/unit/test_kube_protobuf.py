"""The protobuf envelope client-go uses for Secrets, decoded without generated code."""

from __future__ import annotations

import base64

import pytest

from sandbox.kube import protobuf
from sandbox.kube.errors import ApiError


def field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field (wire type 2); lengths here stay below 128 bytes."""
    return bytes([number << 3 | 2, len(payload)]) + payload


def map_entry(number: int, key: str, value: bytes) -> bytes:
    return field(number, field(1, key.encode()) + field(2, value))


def test_secret_body_decodes_to_its_json_shape():
    metadata = field(1, b"sh.helm.release.v1.demo.v1") + map_entry(11, "owner", b"helm")
    secret = field(1, metadata) + map_entry(2, "release", b"\x00binary") + field(3, b"helm.sh/release.v1")
    envelope = protobuf.MAGIC + field(1, field(1, b"v1") + field(2, b"Secret")) + field(2, secret)

    decoded = protobuf.decode(envelope)

    assert decoded == {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "sh.helm.release.v1.demo.v1", "labels": {"owner": "helm"}},
        "data": {"release": base64.b64encode(b"\x00binary").decode()},
        "type": "helm.sh/release.v1",
    }


def test_kinds_outside_the_supported_few_are_refused():
    envelope = protobuf.MAGIC + field(1, field(1, b"apps/v1") + field(2, b"StatefulSet"))

    with pytest.raises(ApiError) as raised:
        protobuf.decode(envelope)

    assert raised.value.code == 415
