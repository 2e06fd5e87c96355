"""Server-side apply: field ownership, conflicts, and removal of fields a manager stops applying."""

from __future__ import annotations

import pytest

from sandbox.kube import apply, schemas
from sandbox.kube.errors import ApiError

CONFIG_MAP = schemas.schema_for("", "v1", "ConfigMap")
DEPLOYMENT = schemas.schema_for("apps", "v1", "Deployment")


def config_map(**data: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data}


def test_field_paths_key_associative_lists_by_their_map_keys():
    obj = {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "x"}]}}}}

    paths = apply.field_paths(obj, DEPLOYMENT)

    assert ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"web"}', "f:image") in paths


def test_fields_v1_round_trips():
    paths = apply.field_paths(config_map(a="1", b="2"), CONFIG_MAP)

    assert apply.from_fields_v1(apply.to_fields_v1(paths)) == paths


def test_reapplying_without_a_field_removes_it():
    live = config_map()
    apply.set_applied(live, config_map(a="1", b="2"), "tool", CONFIG_MAP)
    live["data"] = {"a": "1", "b": "2"}

    result = apply.apply(live, config_map(a="1"), "tool", force=False, schema=CONFIG_MAP, subresource="")

    assert result["data"] == {"a": "1"}


def test_changing_a_field_another_manager_owns_conflicts_unless_forced():
    live = config_map(a="1")
    apply.set_applied(live, config_map(a="1"), "first", CONFIG_MAP)

    with pytest.raises(ApiError) as raised:
        apply.apply(live, config_map(a="2"), "second", force=False, schema=CONFIG_MAP, subresource="")
    forced = apply.apply(live, config_map(a="2"), "second", force=True, schema=CONFIG_MAP, subresource="")

    assert raised.value.code == 409
    assert 'conflict with "first"' in raised.value.message
    assert forced["data"] == {"a": "2"}
    assert [entry["manager"] for entry in forced["metadata"]["managedFields"]] == ["second"]


def test_applying_the_same_value_as_another_manager_shares_the_field():
    live = config_map(a="1")
    apply.set_applied(live, config_map(a="1"), "first", CONFIG_MAP)

    shared = apply.apply(live, config_map(a="1"), "second", force=False, schema=CONFIG_MAP, subresource="")

    assert shared["data"] == {"a": "1"}
