"""The Kubernetes 1.32 OpenAPI definitions, as kubernetes-validate ships them, and ways to walk them.

The definitions are the source of the strategic-merge patch keys, list types and field names, so the emulator
merges lists exactly where a real server does without a hand-kept table.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import kubernetes_validate

KUBE_VERSION = "1.32.0"
_REF_PREFIX = "#/$defs/"


@functools.cache
def definitions() -> dict[str, dict]:
    base = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / f"v{KUBE_VERSION}-local"
    return json.loads((base / "_definitions.json").read_text())["$defs"]


@functools.cache
def _kind_index() -> dict[tuple[str, str, str], str]:
    index = {}
    for name, definition in definitions().items():
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            index[(gvk["group"], gvk["version"], gvk["kind"])] = name
    return index


def definition_name(group: str, version: str, kind: str) -> str | None:
    return _kind_index().get((group, version, kind))


def schema_for(group: str, version: str, kind: str) -> dict | None:
    name = definition_name(group, version, kind)
    return definitions()[name] if name else None


def resolve(node: dict | None) -> dict | None:
    """Follow `$ref`s (and the one-element allOf wrappers some generators emit) to the real node."""
    while node:
        ref = node.get("$ref")
        if ref and ref.startswith(_REF_PREFIX):
            node = definitions().get(ref[len(_REF_PREFIX) :])
            continue
        all_of = node.get("allOf")
        if all_of and len(all_of) == 1 and "properties" not in node:
            node = all_of[0]
            continue
        return node
    return None


def node_types(node: dict | None) -> set[str]:
    node = resolve(node)
    if not node:
        return set()
    declared = node.get("type")
    if isinstance(declared, list):
        return {t for t in declared if t != "null"}
    return {declared} if declared else set()


def child(node: dict | None, key: str) -> dict | None:
    """The schema of field `key` of an object node (raw, so its patch extensions are still visible)."""
    node = resolve(node)
    if not node:
        return None
    properties = node.get("properties") or {}
    if key in properties:
        return properties[key]
    additional = node.get("additionalProperties")
    return additional if isinstance(additional, dict) else None


def items(node: dict | None) -> dict | None:
    node = resolve(node)
    return node.get("items") if node else None


def preserves_unknown(node: dict | None) -> bool:
    node = resolve(node)
    return bool(node) and (
        node.get("x-kubernetes-preserve-unknown-fields") is True
        or node.get("x-kubernetes-int-or-string") is True
    )


def list_semantics(node: dict | None) -> tuple[str, list[str]]:
    """How a list field merges: ("map", keys), ("set", []) or ("atomic", [])."""
    if not node:
        return ("atomic", [])
    strategy = node.get("x-kubernetes-patch-strategy", "")
    merge_key = node.get("x-kubernetes-patch-merge-key")
    list_type = node.get("x-kubernetes-list-type")
    if "merge" in strategy.split(",") and merge_key:
        return ("map", [merge_key])
    if list_type == "map":
        return ("map", list(node.get("x-kubernetes-list-map-keys", [])))
    if "merge" in strategy.split(",") or list_type == "set":
        return ("set", [])
    return ("atomic", [])


def patch_merge_key(node: dict | None) -> str | None:
    """The strategic-merge key of a list (only lists that merge by key have one)."""
    if not node:
        return None
    if "merge" in node.get("x-kubernetes-patch-strategy", "").split(","):
        return node.get("x-kubernetes-patch-merge-key")
    return None


def patch_strategy(node: dict | None) -> set[str]:
    return set(node.get("x-kubernetes-patch-strategy", "").split(",")) - {""} if node else set()
