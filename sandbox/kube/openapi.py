"""OpenAPI v3 (per group-version) and v2 documents built from the kubernetes-validate definitions and CRDs.

kubectl reads the v3 documents for three things: whether a PATCH accepts `fieldValidation` (if so it leaves
validation to the server), the patch strategies of each field (for client-side apply and diff), and
`kubectl explain`. Every resource therefore gets a PATCH operation carrying its group-version-kind.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json

from sandbox.kube import schemas
from sandbox.kube.resources import ResourceType, TypeRegistry

_V3_REF = "#/components/schemas/"
_V2_REF = "#/definitions/"
_WRITE_PARAMETERS = ("dryRun", "fieldManager", "fieldValidation", "force", "pretty")


def _rewrite(node: object, prefix: str) -> object:
    """kubernetes-validate's JSON-Schema flavour → OpenAPI: nullable type lists collapse, refs move."""
    if isinstance(node, list):
        return [_rewrite(item, prefix) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            result[key] = prefix + value.rsplit("/", 1)[-1]
        elif key == "type" and isinstance(value, list):
            kept = [t for t in value if t != "null"]
            if kept:
                result[key] = kept[0]
        elif key == "oneOf" and all(isinstance(o, dict) and set(o) == {"type"} for o in value):
            # IntOrString and Quantity: OpenAPI spells them as a string with a format.
            result["type"] = "string"
            result["format"] = "int-or-string"
        elif key == "enum" and node.get("type") and key in node and isinstance(value, list):
            continue  # apiVersion/kind enums are a kubernetes-validate addition, not in the real spec
        elif key in ("properties", "definitions"):
            result[key] = {name: _rewrite(sub, prefix) for name, sub in value.items()}
        else:
            result[key] = _rewrite(value, prefix)
    return result


def _references(node: object, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name not in found and name in schemas.definitions():
                found.add(name)
                _references(schemas.definitions()[name], found)
        for value in node.values():
            _references(value, found)
    elif isinstance(node, list):
        for value in node:
            _references(value, found)


@functools.cache
def _builtin_components(names: tuple[str, ...], prefix: str) -> dict:
    needed: set[str] = set()
    for name in names:
        needed.add(name)
        _references(schemas.definitions()[name], needed)
    for meta in ("io.k8s.apimachinery.pkg.apis.meta.v1.Status", "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"):
        needed.add(meta)
        _references(schemas.definitions()[meta], needed)
    return {name: _rewrite(schemas.definitions()[name], prefix) for name in sorted(needed)}


def _custom_schema(resource_type: ResourceType, prefix: str) -> dict:
    schema = copy.deepcopy(resource_type.crd_schema or {"type": "object"})
    properties = schema.setdefault("properties", {})
    properties.setdefault("apiVersion", {"type": "string"})
    properties.setdefault("kind", {"type": "string"})
    properties["metadata"] = {"$ref": prefix + "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}
    schema["type"] = "object"
    schema["x-kubernetes-group-version-kind"] = [
        {"group": resource_type.group, "version": resource_type.version, "kind": resource_type.kind}
    ]
    return schema


def _definition_name(resource_type: ResourceType) -> str:
    if resource_type.is_custom:
        reversed_group = ".".join(reversed(resource_type.group.split(".")))
        return f"{reversed_group}.{resource_type.version}.{resource_type.kind}"
    return schemas.definition_name(resource_type.group, resource_type.version, resource_type.kind) or ""


def _paths(resource_type: ResourceType, ref_prefix: str, *, v3: bool) -> dict:
    base = f"/apis/{resource_type.api_version}" if resource_type.group else "/api/v1"
    scope = "/namespaces/{namespace}" if resource_type.namespaced else ""
    item_path = f"{base}{scope}/{resource_type.plural}/{{name}}"
    gvk = {"group": resource_type.group, "version": resource_type.version, "kind": resource_type.kind}
    ref = {"$ref": ref_prefix + _definition_name(resource_type)}
    parameters = [{"name": name, "in": "query", "schema": {"type": "string"}} for name in _WRITE_PARAMETERS]
    if not v3:
        parameters = [
            {"name": name, "in": "query", "type": "string", "uniqueItems": True} for name in _WRITE_PARAMETERS
        ]
    response = (
        {"200": {"description": "OK", "content": {"application/json": {"schema": ref}}}}
        if v3
        else {"200": {"description": "OK", "schema": ref}}
    )
    operation = {
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": gvk,
        "operationId": f"patch{resource_type.kind}",
        "parameters": parameters,
        "responses": response,
    }
    get_operation = {
        "x-kubernetes-action": "get",
        "x-kubernetes-group-version-kind": gvk,
        "operationId": f"read{resource_type.kind}",
        "responses": response,
    }
    return {item_path: {"get": get_operation, "patch": operation}}


def _served(types: list[ResourceType]) -> list[ResourceType]:
    return [t for t in types if "patch" in t.verbs and (t.is_custom or _definition_name(t))]


def v3_document(registry: TypeRegistry, group: str, version: str) -> dict | None:
    types = _served(registry.in_group_version(group, version))
    if not registry.in_group_version(group, version):
        return None
    builtin = tuple(sorted(_definition_name(t) for t in types if not t.is_custom))
    components = dict(_builtin_components(builtin, _V3_REF))
    if any(t.is_custom for t in types):
        components.update(_builtin_components(("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",), _V3_REF))
    paths: dict = {}
    for resource_type in types:
        if resource_type.is_custom:
            components[_definition_name(resource_type)] = _custom_schema(resource_type, _V3_REF)
        paths.update(_paths(resource_type, _V3_REF, v3=True))
    title = "Kubernetes"
    return {
        "openapi": "3.0.0",
        "info": {"title": title, "version": "v1.32.9"},
        "paths": paths,
        "components": {"schemas": components},
    }


def v3_index(registry: TypeRegistry) -> dict:
    paths = {}
    for group in registry.groups():
        for version in registry.versions(group):
            key = f"apis/{group}/{version}" if group else "api/v1"
            document = v3_document(registry, group, version)
            digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:32].upper()
            paths[key] = {"serverRelativeURL": f"/openapi/v3/{key}?hash={digest}"}
    return {"paths": paths}


def v2_document(registry: TypeRegistry) -> dict:
    types = _served(registry.all_types())
    builtin = tuple(sorted(_definition_name(t) for t in types if not t.is_custom))
    definitions = dict(_builtin_components(builtin, _V2_REF))
    paths: dict = {}
    for resource_type in types:
        if resource_type.is_custom:
            definitions[_definition_name(resource_type)] = _custom_schema(resource_type, _V2_REF)
        paths.update(_paths(resource_type, _V2_REF, v3=False))
    return {
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": "v1.32.9"},
        "paths": paths,
        "definitions": definitions,
    }
