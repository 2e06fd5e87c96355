"""Errors answered the way kube-apiserver answers them: a v1 Status with the HTTP code, reason and details
that clients branch on (kubectl's messages, kubernetes.core's retries, Helm's conflict handling)."""

from __future__ import annotations

import json

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException


def api_error(call, *args, **kwargs) -> tuple[int, dict]:
    with pytest.raises(ApiException) as raised:
        call(*args, **kwargs)
    status = json.loads(raised.value.body)
    assert status["kind"] == "Status"
    assert status["apiVersion"] == "v1"
    assert status["status"] == "Failure"
    assert status["code"] == raised.value.status
    return raised.value.status, status


def config_map(name: str, **data: str) -> client.V1ConfigMap:
    return client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name), data=data)


def deployment(name: str, app: str) -> dict:
    labels = {"app.kubernetes.io/name": app}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "web", "image": "public.ecr.aws/nginx/nginx:1.27"}]},
            },
        },
    }


def test_missing_object_is_404_not_found(core_v1, namespace):
    code, status = api_error(core_v1.read_namespaced_config_map, "absent", namespace)

    assert code == 404
    assert status["reason"] == "NotFound"
    assert status["message"] == 'configmaps "absent" not found'
    assert status["details"] == {"name": "absent", "kind": "configmaps"}


def test_create_in_missing_namespace_is_404_for_the_namespace(core_v1):
    code, status = api_error(core_v1.create_namespaced_config_map, "no-such-namespace", config_map("orphan"))

    assert code == 404
    assert status["reason"] == "NotFound"
    assert status["message"] == 'namespaces "no-such-namespace" not found'
    assert status["details"] == {"name": "no-such-namespace", "kind": "namespaces"}


def test_create_twice_is_409_already_exists(core_v1, namespace):
    core_v1.create_namespaced_config_map(namespace, config_map("twice"))

    code, status = api_error(core_v1.create_namespaced_config_map, namespace, config_map("twice"))

    assert code == 409
    assert status["reason"] == "AlreadyExists"
    assert status["message"] == 'configmaps "twice" already exists'


def test_replace_with_stale_resource_version_is_409_conflict(core_v1, namespace):
    created = core_v1.create_namespaced_config_map(namespace, config_map("contended", v="1"))
    stale_version = created.metadata.resource_version
    core_v1.patch_namespaced_config_map("contended", namespace, {"data": {"v": "2"}})

    stale = config_map("contended", v="3")
    stale.metadata.resource_version = stale_version
    code, status = api_error(core_v1.replace_namespaced_config_map, "contended", namespace, stale)

    assert code == 409
    assert status["reason"] == "Conflict"
    assert status["message"] == (
        'Operation cannot be fulfilled on configmaps "contended": '
        "the object has been modified; please apply your changes to the latest version and try again"
    )
    assert core_v1.read_namespaced_config_map("contended", namespace).data == {"v": "2"}


def test_bad_name_is_422_invalid_with_the_field_as_cause(core_v1, namespace):
    code, status = api_error(core_v1.create_namespaced_config_map, namespace, config_map("Not_A_DNS_Name"))

    assert code == 422
    assert status["reason"] == "Invalid"
    assert status["details"]["kind"] == "ConfigMap"
    assert status["details"]["name"] == "Not_A_DNS_Name"
    causes = status["details"]["causes"]
    assert [(cause["reason"], cause["field"]) for cause in causes] == [("FieldValueInvalid", "metadata.name")]
    assert status["message"].startswith(
        'ConfigMap "Not_A_DNS_Name" is invalid: metadata.name: Invalid value:'
    )


def test_wrong_type_is_rejected_before_it_is_stored(api_client, namespace):
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "typed"}, "data": {"n": 1}}
    core_v1 = client.CoreV1Api(api_client)

    code, status = api_error(core_v1.create_namespaced_config_map, namespace, body)

    assert code in (400, 422)  # kube-apiserver answers 400 BadRequest when JSON does not decode into the type
    assert status["reason"] in ("BadRequest", "Invalid")
    assert api_error(core_v1.read_namespaced_config_map, "typed", namespace)[0] == 404


def test_changing_an_immutable_field_is_422(apps_v1, namespace):
    apps_v1.create_namespaced_deployment(namespace, deployment("fixed", app="one"))
    changed_selector = deployment("fixed", app="two")

    code, status = api_error(apps_v1.replace_namespaced_deployment, "fixed", namespace, changed_selector)

    assert code == 422
    assert status["reason"] == "Invalid"
    assert status["details"]["kind"] == "Deployment"
    assert status["details"]["group"] == "apps"
    fields = {cause["field"]: cause for cause in status["details"]["causes"]}
    assert "spec.selector" in fields
    assert "field is immutable" in fields["spec.selector"]["message"]


def test_changing_an_immutable_config_map_is_422(core_v1, namespace):
    frozen = config_map("frozen", v="1")
    frozen.immutable = True
    core_v1.create_namespaced_config_map(namespace, frozen)

    code, status = api_error(core_v1.patch_namespaced_config_map, "frozen", namespace, {"data": {"v": "2"}})

    assert code == 422
    assert status["reason"] == "Invalid"
    assert "field is immutable when `immutable` is set" in status["message"]
