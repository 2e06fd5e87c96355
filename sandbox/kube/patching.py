"""The three PATCH flavours: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and strategic merge patch.

Strategic merge follows k8s.io/apimachinery/pkg/util/strategicpatch: lists merge by the `patchMergeKey`
that the OpenAPI schema names, and the `$patch`, `$retainKeys`, `$setElementOrder/` and
`$deleteFromPrimitiveList/` directives that kubectl and Helm generate are honoured.
"""

from __future__ import annotations

import copy

import jsonpatch

from sandbox.kube import schemas
from sandbox.kube.errors import ApiError

_DIRECTIVE = "$patch"
_RETAIN_KEYS = "$retainKeys"
_SET_ORDER = "$setElementOrder/"
_DELETE_FROM_PRIMITIVE = "$deleteFromPrimitiveList/"


def json_patch(document: dict, operations: object) -> dict:
    if not isinstance(operations, list):
        raise ApiError(400, "json patch must be a list of operations")
    try:
        return jsonpatch.apply_patch(document, operations, in_place=False)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException, TypeError) as error:
        # A real server answers a failed test or a missing path with 422 and this wording.
        raise ApiError(
            422, f"the server rejected our request due to an error in our request: {error}"
        ) from error


def merge_patch(document: object, patch: object) -> object:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(document) if isinstance(document, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def strategic_merge_patch(document: dict, patch: dict, schema: dict | None) -> dict:
    if not isinstance(patch, dict):
        raise ApiError(400, "strategic merge patch must be a JSON object")
    merged = _merge_map(copy.deepcopy(document), patch, schema)
    return merged if merged is not None else {}


def _merge_map(original: dict | None, patch: dict, schema: dict | None) -> dict | None:
    directive = patch.get(_DIRECTIVE)
    if directive == "delete":
        return None
    if directive == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != _DIRECTIVE}
    if directive is not None:
        raise ApiError(422, f"Unknown patch type: {directive} in map: {patch}")
    result = original if isinstance(original, dict) else {}

    retain = patch.get(_RETAIN_KEYS)
    if isinstance(retain, list):
        for key in list(result):
            if key not in retain and key not in patch:
                del result[key]

    for key, value in patch.items():
        if key in (_DIRECTIVE, _RETAIN_KEYS) or key.startswith(_SET_ORDER):
            continue
        if key.startswith(_DELETE_FROM_PRIMITIVE):
            field = key[len(_DELETE_FROM_PRIMITIVE) :]
            if isinstance(result.get(field), list):
                result[field] = [item for item in result[field] if item not in value]
            continue
        field_schema = schemas.child(schema, key)
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict):
            if "replace" in schemas.patch_strategy(field_schema) or not isinstance(result.get(key), dict):
                merged = _merge_map({}, value, field_schema)
            else:
                merged = _merge_map(result[key], value, field_schema)
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
        elif isinstance(value, list):
            result[key] = _merge_list(result.get(key), value, field_schema)
        else:
            result[key] = copy.deepcopy(value)

    for key, order in patch.items():
        if key.startswith(_SET_ORDER) and isinstance(result.get(key[len(_SET_ORDER) :]), list):
            field = key[len(_SET_ORDER) :]
            result[field] = _apply_order(
                result[field], order, schemas.patch_merge_key(schemas.child(schema, field))
            )
    return result


def _merge_list(original: object, patch: list, schema: dict | None) -> list:
    strategy = schemas.patch_strategy(schema)
    if "merge" not in strategy:
        return [_strip_directives(item) for item in patch]
    for item in patch:
        if isinstance(item, dict) and item.get(_DIRECTIVE) == "replace":
            return [_strip_directives(i) for i in patch if not (isinstance(i, dict) and _DIRECTIVE in i)]
    current = list(original) if isinstance(original, list) else []
    merge_key = schemas.patch_merge_key(schema)
    if not merge_key:
        # A merging list of primitives: a union that keeps the original order.
        return current + [item for item in patch if item not in current]
    element_schema = schemas.items(schema)
    for item in patch:
        if not isinstance(item, dict):
            raise ApiError(422, f"list of maps with merge key {merge_key} got a non-map element: {item!r}")
        if merge_key not in item:
            raise ApiError(422, f"map: {item} does not contain declared merge key: {merge_key}")
        position = next(
            (i for i, existing in enumerate(current) if existing.get(merge_key) == item[merge_key]),
            None,
        )
        if item.get(_DIRECTIVE) == "delete":
            if position is not None:
                current.pop(position)
            continue
        if position is None:
            current.append(_merge_map({}, item, element_schema) or {})
        else:
            current[position] = _merge_map(copy.deepcopy(current[position]), item, element_schema) or {}
    return current


def _apply_order(values: list, order: list, merge_key: str | None) -> list:
    def identity(value: object) -> object:
        return value.get(merge_key) if merge_key and isinstance(value, dict) else value

    wanted = [identity(item) for item in order]
    ordered = sorted(
        (v for v in values if identity(v) in wanted),
        key=lambda value: wanted.index(identity(value)),
    )
    return ordered + [v for v in values if identity(v) not in wanted]


def _strip_directives(value: object) -> object:
    if isinstance(value, dict):
        return {
            k: _strip_directives(v)
            for k, v in value.items()
            if k not in (_DIRECTIVE, _RETAIN_KEYS) and not k.startswith((_SET_ORDER, _DELETE_FROM_PRIMITIVE))
        }
    if isinstance(value, list):
        return [_strip_directives(v) for v in value]
    return value
