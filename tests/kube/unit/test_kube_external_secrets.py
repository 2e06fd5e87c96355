"""Pure logic of the emulator's External Secrets part: the Go template subset, ESO's hashes and durations."""

from __future__ import annotations

import base64

import pytest

from sandbox.kube.external_secrets import SyncError, data_hash, gjson_get, go_duration, resource_version
from sandbox.kube.go_template import TemplateError, render

VALUES = {"username": "shop", "password": "p@ss w/rd+1&é", "host": "db", "port": "5432", "db-name": "store"}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ .username }}", "shop"),
        # Go's url.QueryEscape: space as '+', '@', '/', '+', '&' and UTF-8 bytes %XX-escaped.
        ("{{ .password | urlquery }}", "p%40ss+w%2Frd%2B1%26%C3%A9"),
        ("{{ urlquery .password }}", "p%40ss+w%2Frd%2B1%26%C3%A9"),
        ('{{ index . "db-name" }}', "store"),
        ("{{ .username | b64enc }}", "c2hvcA=="),
        ('{{ "c2hvcA==" | b64dec | upper }}', "SHOP"),
        ("{{ `raw {{ text` }}", "raw {{ text"),
        ('{{ "a\\tb" }}', "a\tb"),
        ("x {{- .port -}} y", "x5432y"),
        ("a{{/* a comment */}}b", "ab"),
        ("{{ .host }}:{{ .port }}", "db:5432"),
    ],
)
def test_render(template: str, expected: str) -> None:
    assert render(template, VALUES) == expected


@pytest.mark.parametrize(
    ("template", "error"),
    [
        ("{{ .missing }}", 'map has no entry for key "missing"'),
        ('{{ index . "missing" }}', 'map has no entry for key "missing"'),
        ("{{ .password | sha256sum }}", 'function "sha256sum" is not supported'),
        ('{{ printf "%s" .username }}', 'function "printf" is not supported'),
        ("{{ if .username }}x{{ end }}", "control structure"),
        ("{{ range . }}x{{ end }}", "control structure"),
        ("{{ . }}", "the whole map"),
        ("{{ $x := .username }}", "unsupported action"),
        ("{{ .username", "unclosed action"),
        ('{{ "bad \\q escape" }}', "unsupported escape"),
        ('{{ "%%%" | b64dec }}', "b64dec"),
    ],
)
def test_unsupported_or_failing_templates_raise(template: str, error: str) -> None:
    with pytest.raises(TemplateError, match=error.replace("$", r"\$").replace("(", r"\(")):
        render(template, VALUES)


def test_resource_version_is_generation_and_hash_of_labels_and_annotations() -> None:
    metadata = {"generation": 3, "labels": {"b": "2", "a": "1"}, "annotations": {}}
    version = resource_version(metadata)
    generation, digest = version.split("-")
    assert generation == "3"
    assert len(digest) == 56  # sha3-224, as esutils.ObjectHash
    assert (
        resource_version({**metadata, "labels": {"a": "1", "b": "2"}}) == version
    )  # key order is irrelevant
    assert resource_version({**metadata, "labels": {"a": "1"}}).split("-")[1] != digest
    assert resource_version({**metadata, "generation": 4}) == f"4-{digest}"


def test_data_hash_follows_the_data() -> None:
    data = {"a": base64.b64encode(b"x").decode()}
    assert data_hash(data) == data_hash(dict(data))
    assert data_hash(data) != data_hash({"a": base64.b64encode(b"y").decode()})


@pytest.mark.parametrize(
    ("text", "seconds"), [("0", 0), ("1h", 3600), ("15m30s", 930), ("1.5s", 1.5), ("500ms", 0.5)]
)
def test_go_duration(text: str, seconds: float) -> None:
    assert go_duration(text) == seconds


@pytest.mark.parametrize("text", ["1d", "h", "10", "1h-5m"])
def test_bad_duration_is_an_error(text: str) -> None:
    with pytest.raises(SyncError):
        go_duration(text)


def test_gjson_paths() -> None:
    document = {"db": {"host": "h"}, "a.b": "dotted", "list": ["x", "y"]}
    assert gjson_get(document, "db.host") == "h"
    assert gjson_get(document, "a\\.b") == "dotted"
    assert gjson_get(document, "list.1") == "y"
    with pytest.raises(KeyError):
        gjson_get(document, "db.port")
