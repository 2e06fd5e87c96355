"""Status and deletion semantics as upstream: status dropped on create, CRDs wait for their objects'
finalizers, dependents of owners that never existed are garbage-collected."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from kubernetes import client

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.{group}
spec:
  group: {group}
  scope: Namespaced
  names: {{kind: Gadget, plural: gadgets, singular: gadget, listKind: GadgetList}}
  versions:
    - name: v1
      served: true
      storage: true
      subresources: {{status: {{}}}}
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {{type: object, x-kubernetes-preserve-unknown-fields: true}}
            status: {{type: object, x-kubernetes-preserve-unknown-fields: true}}
"""


def eventually(check, attempts: int = 100):
    """Poll a condition the controllers reach asynchronously (bounded by attempts, not wall-clock)."""
    for _ in range(attempts):
        result = check()
        if result:
            return result
        time.sleep(0.1)
    return check()


def test_status_sent_on_create_is_dropped_for_kinds_with_a_status_subresource(kubectl, namespace):
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "claims"},
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": {"app": "claims"}},
            "template": {
                "metadata": {"labels": {"app": "claims"}},
                "spec": {"containers": [{"name": "app", "image": "busybox:1.36"}]},
            },
        },
        "status": {"readyReplicas": 7, "availableReplicas": 7},
    }

    created = json.loads(
        kubectl("create", "-n", namespace, "-o", "json", "-f", "-", stdin=json.dumps(deployment)).stdout
    )

    assert "readyReplicas" not in (created.get("status") or {})


def test_deleting_a_crd_waits_for_its_objects_finalizers(kubectl, namespace):
    group = f"{namespace}.example.com"
    kubectl("apply", "-f", "-", stdin=CRD.format(group=group))
    kubectl("wait", "--for=condition=Established", f"crd/gadgets.{group}")
    gadget = {
        "apiVersion": f"{group}/v1",
        "kind": "Gadget",
        "metadata": {"name": "held", "finalizers": ["example.com/hold"]},
        "spec": {"size": 1},
    }
    kubectl("apply", "-n", namespace, "-f", "-", stdin=json.dumps(gadget))

    kubectl("delete", f"crd/gadgets.{group}", "--wait=false")
    terminating = eventually(
        lambda: json.loads(kubectl("get", f"crd/gadgets.{group}", "-o", "json").stdout)["metadata"].get(
            "deletionTimestamp"
        )
        and json.loads(kubectl("get", f"gadgets.{group}", "held", "-n", namespace, "-o", "json").stdout)[
            "metadata"
        ].get("deletionTimestamp")
    )
    crd = json.loads(kubectl("get", f"crd/gadgets.{group}", "-o", "json").stdout)
    kubectl(
        "patch",
        f"gadgets.{group}",
        "held",
        "-n",
        namespace,
        "--type=merge",
        "-p",
        '{"metadata":{"finalizers":null}}',
    )
    kubectl("wait", "--for=delete", f"crd/gadgets.{group}", "--timeout=30s")

    assert terminating
    assert {"type": "Terminating", "status": "True"}.items() <= next(
        c for c in crd["status"]["conditions"] if c["type"] == "Terminating"
    ).items()


def test_an_owner_reference_to_a_uid_that_never_existed_is_collected(core_v1, namespace):
    orphan = client.V1ConfigMap(
        metadata=client.V1ObjectMeta(
            name="orphan",
            owner_references=[
                client.V1OwnerReference(
                    api_version="v1", kind="ConfigMap", name="ghost", uid=str(uuid.uuid4())
                )
            ],
        ),
        data={"a": "b"},
    )
    core_v1.create_namespaced_config_map(namespace, orphan)

    def gone() -> bool:
        try:
            core_v1.read_namespaced_config_map("orphan", namespace)
        except client.ApiException as error:
            return error.status == 404
        return False

    assert eventually(gone)


@pytest.mark.parametrize("policy", ["Background", "Foreground"])
def test_dependents_go_with_their_owner(core_v1, namespace, policy):
    owner = core_v1.create_namespaced_config_map(
        namespace, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="owner"))
    )
    core_v1.create_namespaced_config_map(
        namespace,
        client.V1ConfigMap(
            metadata=client.V1ObjectMeta(
                name="dependent",
                owner_references=[
                    client.V1OwnerReference(
                        api_version="v1", kind="ConfigMap", name="owner", uid=owner.metadata.uid
                    )
                ],
            )
        ),
    )

    core_v1.delete_namespaced_config_map("owner", namespace, propagation_policy=policy)

    assert eventually(
        lambda: "dependent"
        not in {cm.metadata.name for cm in core_v1.list_namespaced_config_map(namespace).items}
    )
