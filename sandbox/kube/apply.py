"""Server-side apply and `metadata.managedFields`.

Field ownership is tracked as sets of paths in the FieldsV1 vocabulary (`f:name`, `k:{"name":"web"}`,
`v:"value"`). An apply merges the applied configuration into the live object (associative lists by their
list-map keys), removes the fields this manager applied before and has now dropped (unless someone else owns
them), and answers 409 when it would change a field that another manager owns, unless `force=true`.
"""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Callable

from sandbox.kube import schemas
from sandbox.kube.errors import ApiError

Path = tuple[str, ...]
_SERVER_METADATA = {
    "uid",
    "name",
    "namespace",
    "creationTimestamp",
    "generation",
    "resourceVersion",
    "managedFields",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "selfLink",
    "generateName",
}


def _timestamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _list_keys(node: dict | None) -> tuple[str, list[str]]:
    return schemas.list_semantics(node)


def _item_path(item: object, semantics: tuple[str, list[str]], index: int) -> str | None:
    kind, keys = semantics
    if kind == "map" and isinstance(item, dict) and keys:
        return "k:" + json.dumps({key: item.get(key) for key in keys if key in item}, separators=(",", ":"))
    if kind == "set":
        return "v:" + json.dumps(item, separators=(",", ":"))
    return None


def field_paths(value: object, node: dict | None, prefix: Path = ()) -> set[Path]:
    """The leaf field paths set in value, in FieldsV1 vocabulary."""
    paths: set[Path] = set()
    if isinstance(value, dict) and value:
        considered = False
        for key, item in value.items():
            if not prefix and key in ("apiVersion", "kind"):
                continue
            if prefix == ("f:metadata",) and key in _SERVER_METADATA:
                continue
            considered = True
            paths |= field_paths(item, schemas.child(node, key), (*prefix, f"f:{key}"))
        # A map holding only server-owned keys (metadata with just a name) is no field of the applier's.
        return paths if considered else set()
    if isinstance(value, list) and value:
        semantics = _list_keys(node)
        if semantics[0] == "atomic":
            return {prefix}
        element = schemas.items(node)
        for index, item in enumerate(value):
            step = _item_path(item, semantics, index)
            if step is None:
                return {prefix}
            paths.add((*prefix, step, "."))
            if semantics[0] == "map":
                paths |= field_paths(item, element, (*prefix, step))
        return paths
    return {prefix} if prefix else set()


def to_fields_v1(paths: set[Path]) -> dict:
    tree: dict = {}
    for path in sorted(paths):
        node = tree
        for step in path:
            node = node.setdefault(step, {})
    return tree


def from_fields_v1(tree: dict, prefix: Path = ()) -> set[Path]:
    paths: set[Path] = set()
    for step, child in tree.items():
        path = (*prefix, step)
        if child:
            paths |= from_fields_v1(child, path)
        else:
            paths.add(path)
    return paths


def _lookup(obj: object, path: Path) -> tuple[bool, object]:
    value = obj
    for step in path:
        if step == ".":
            continue
        if step.startswith("f:") and isinstance(value, dict):
            if step[2:] not in value:
                return False, None
            value = value[step[2:]]
        elif step.startswith("k:") and isinstance(value, list):
            keys = json.loads(step[2:])
            value = next(
                (i for i in value if isinstance(i, dict) and all(i.get(k) == v for k, v in keys.items())),
                None,
            )
            if value is None:
                return False, None
        elif step.startswith("v:") and isinstance(value, list):
            wanted = json.loads(step[2:])
            if wanted not in value:
                return False, None
            value = wanted
        else:
            return False, None
    return True, value


def _remove(obj: dict, path: Path) -> None:
    path = tuple(step for step in path if step != ".")
    if not path:
        return
    found, parent = _lookup(obj, path[:-1])
    if not found:
        return
    last = path[-1]
    if last.startswith("f:") and isinstance(parent, dict):
        parent.pop(last[2:], None)
    elif last.startswith("k:") and isinstance(parent, list):
        keys = json.loads(last[2:])
        parent[:] = [
            i for i in parent if not (isinstance(i, dict) and all(i.get(k) == v for k, v in keys.items()))
        ]
    elif last.startswith("v:") and isinstance(parent, list):
        wanted = json.loads(last[2:])
        parent[:] = [i for i in parent if i != wanted]


def _same_at(before: object, after: object, path: Path) -> bool:
    """Whether path holds the same value in both objects. A list item's `.` entry is its existence only:
    the item's fields are separate entries, compared one by one (as structured-merge-diff does)."""
    found_before, value_before = _lookup(before, path)
    found_after, value_after = _lookup(after, path)
    if path and path[-1] == ".":
        return found_before == found_after
    return (found_before, value_before) == (found_after, value_after)


def merge_applied(live: object, applied: object, node: dict | None) -> object:
    if isinstance(applied, dict) and isinstance(live, dict):
        result = dict(live)
        for key, value in applied.items():
            result[key] = merge_applied(live.get(key), value, schemas.child(node, key))
        return result
    if isinstance(applied, list) and isinstance(live, list):
        kind, keys = _list_keys(node)
        if kind == "map" and keys:
            result = list(live)
            element = schemas.items(node)
            for item in applied:
                if not isinstance(item, dict):
                    return copy.deepcopy(applied)
                position = next(
                    (
                        i
                        for i, existing in enumerate(result)
                        if isinstance(existing, dict) and all(existing.get(k) == item.get(k) for k in keys)
                    ),
                    None,
                )
                if position is None:
                    result.append(copy.deepcopy(item))
                else:
                    result[position] = merge_applied(result[position], item, element)
            return result
        if kind == "set":
            return list(live) + [item for item in applied if item not in live]
    return copy.deepcopy(applied)


def _entries(obj: dict) -> list[dict]:
    return list(obj.get("metadata", {}).get("managedFields") or [])


def _entry_paths(entry: dict) -> set[Path]:
    return from_fields_v1(entry.get("fieldsV1") or {})


def _write_entries(obj: dict, entries: list[dict]) -> None:
    obj["metadata"]["managedFields"] = [e for e in entries if e.get("fieldsV1")]


def _api_version(obj: dict) -> str:
    return obj.get("apiVersion", "")


def record_update(
    old: dict | None, new: dict, manager: str, operation: str, subresource: str, schema: dict | None
) -> None:
    """Give `manager` the fields this non-apply write changed, taking them from their previous owners."""
    changed = {path for path in field_paths(new, schema) if old is None or not _same_at(old, new, path)}
    entries = _entries(old) if old is not None else []
    if not changed:
        _write_entries(new, entries)
        return
    _give(new, entries, changed, manager, operation, subresource)


def _give(
    obj: dict,
    entries: list[dict],
    paths: set[Path],
    manager: str,
    operation: str,
    subresource: str,
    taken: set[Path] | None = None,
) -> None:
    """`manager` owns `paths`; other managers lose `taken` (by default all of `paths`)."""
    taken = paths if taken is None else taken
    kept = []
    mine: set[Path] = set()
    for entry in entries:
        if (
            entry.get("manager") == manager
            and entry.get("operation") == operation
            and entry.get("subresource", "") == subresource
        ):
            mine = _entry_paths(entry)
            continue
        remaining = _entry_paths(entry) - taken
        kept.append(
            {**entry, "fieldsV1": to_fields_v1(remaining)} if remaining else {**entry, "fieldsV1": {}}
        )
    owned = paths if operation == "Apply" else mine | paths
    entry = {
        "manager": manager,
        "operation": operation,
        "apiVersion": _api_version(obj),
        "time": _timestamp(),
        "fieldsType": "FieldsV1",
        "fieldsV1": to_fields_v1(owned),
    }
    if subresource:
        entry["subresource"] = subresource
    _write_entries(obj, [*kept, entry])


def set_applied(obj: dict, applied: dict, manager: str, schema: dict | None) -> None:
    """After an apply created obj: its fields belong to `manager` as an Apply, not an Update."""
    paths = field_paths(applied, schema)
    _write_entries(obj, [])
    _give(obj, [], paths, manager, "Apply", "")


def apply(
    live: dict,
    applied: dict,
    manager: str,
    *,
    force: bool,
    schema: dict | None,
    subresource: str,
    default: Callable[[dict], dict] | None = None,
) -> dict:
    """Merge `applied` into `live` for `manager`, or raise the 409 a real server gives.

    As structured-merge-diff does, a conflict is a field the applier sets that another manager owns and
    whose value the apply changes: the live value is compared, field by field, with the merged object
    after server defaulting (`default`), so re-stating a value, or leaving a defaulted field out, is not
    a conflict; only a different value is.
    """
    applied_paths = field_paths(applied, schema)
    entries = _entries(live)
    previous: set[Path] = set()
    others: dict[str, set[Path]] = {}
    for entry in entries:
        if entry.get("manager") == manager and entry.get("operation") == "Apply":
            previous = _entry_paths(entry)
        else:
            others.setdefault(entry.get("manager", ""), set()).update(_entry_paths(entry))
    merged = merge_applied(copy.deepcopy(live), applied, schema)
    still_owned = set().union(*others.values()) if others else set()
    for path in sorted(previous - applied_paths, key=len, reverse=True):
        if path not in still_owned:
            _remove(merged, path)
    candidate = default(copy.deepcopy(merged)) if default else merged
    changed = {path for path in applied_paths if not _same_at(live, candidate, path)}
    conflicts = [
        (other, path)
        for path in sorted(changed)
        for other, owned in others.items()
        if path in owned and other != manager
    ]
    if conflicts and not force:
        raise ApiError(
            409,
            f"Apply failed with {len(conflicts)} conflict{'s' if len(conflicts) > 1 else ''}: "
            + "; ".join(f'conflict with "{other}": {_field_name(path)}' for other, path in conflicts),
            reason="Conflict",
            details={
                "causes": [
                    {
                        "reason": "FieldManagerConflict",
                        "message": f'conflict with "{other}"',
                        "field": _field_name(path),
                    }
                    for other, path in conflicts
                ]
            },
        )
    merged.setdefault("metadata", {})
    # Unchanged values are shared with their other owners; changed ones (forced) are taken from them.
    _give(merged, copy.deepcopy(entries), applied_paths, manager, "Apply", subresource, taken=changed)
    return merged


def _field_name(path: Path) -> str:
    """A field path as the apiserver prints it: .spec.containers[name="app"].image"""
    text = ""
    for step in path:
        if step == ".":
            continue
        if step.startswith("f:"):
            text += "." + step[2:]
        elif step.startswith("k:"):
            keys = json.loads(step[2:])
            text += "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in keys.items()) + "]"
        elif step.startswith("v:"):
            text += f"[{step[2:]}]"
    return text
