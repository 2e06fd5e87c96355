"""Strategic merge, merge and JSON patch against the real 1.32 patch keys."""

from __future__ import annotations

import pytest

from sandbox.kube import patching, schemas
from sandbox.kube.errors import ApiError

DEPLOYMENT = schemas.schema_for("apps", "v1", "Deployment")


def deployment(*containers: dict) -> dict:
    return {"spec": {"template": {"spec": {"containers": list(containers)}}}}


def containers_of(obj: dict) -> list[dict]:
    return obj["spec"]["template"]["spec"]["containers"]


def test_containers_merge_by_name_and_keep_unmentioned_fields():
    live = deployment(
        {"name": "web", "image": "nginx:1", "ports": [{"containerPort": 80}]}, {"name": "sidecar"}
    )

    merged = patching.strategic_merge_patch(live, deployment({"name": "web", "image": "nginx:2"}), DEPLOYMENT)

    assert containers_of(merged) == [
        {"name": "web", "image": "nginx:2", "ports": [{"containerPort": 80}]},
        {"name": "sidecar"},
    ]


def test_patch_delete_directive_removes_one_list_element():
    live = deployment({"name": "web"}, {"name": "sidecar"})

    merged = patching.strategic_merge_patch(
        live, deployment({"name": "sidecar", "$patch": "delete"}), DEPLOYMENT
    )

    assert containers_of(merged) == [{"name": "web"}]


def test_set_element_order_reorders_the_merged_list():
    live = deployment({"name": "a"}, {"name": "b"})
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
                    "containers": [{"name": "a", "image": "x"}],
                }
            }
        }
    }

    merged = patching.strategic_merge_patch(live, patch, DEPLOYMENT)

    assert containers_of(merged) == [{"name": "b"}, {"name": "a", "image": "x"}]


def test_retain_keys_drops_the_fields_of_the_previous_strategy():
    live = {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}

    assert patching.strategic_merge_patch(live, patch, DEPLOYMENT) == {
        "spec": {"strategy": {"type": "Recreate"}}
    }


def test_lists_without_a_patch_strategy_are_replaced():
    live = deployment({"name": "web", "args": ["--a", "--b"]})

    merged = patching.strategic_merge_patch(live, deployment({"name": "web", "args": ["--c"]}), DEPLOYMENT)

    assert containers_of(merged)[0]["args"] == ["--c"]


def test_null_deletes_a_map_key():
    live = {"metadata": {"labels": {"keep": "1", "drop": "2"}}}

    merged = patching.strategic_merge_patch(live, {"metadata": {"labels": {"drop": None}}}, DEPLOYMENT)

    assert merged == {"metadata": {"labels": {"keep": "1"}}}


def test_merge_patch_replaces_lists_and_deletes_nulls():
    live = {"a": [1, 2], "b": {"c": 1, "d": 2}}

    assert patching.merge_patch(live, {"a": [3], "b": {"c": None}}) == {"a": [3], "b": {"d": 2}}


def test_failed_json_patch_test_is_422():
    with pytest.raises(ApiError) as raised:
        patching.json_patch({"a": 1}, [{"op": "test", "path": "/a", "value": 2}])

    assert raised.value.code == 422
