"""Defaulting as EKS does it: Secret type, CustomResourceDefinition schema defaults."""

from __future__ import annotations

import json

from kube_clients import HERE

EXTERNAL_SECRETS_CRDS = HERE / "crds" / "external-secrets.yaml"

EXTERNAL_SECRET = """\
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: db
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: aws}
  target: {name: db}
  data:
    - secretKey: password
      remoteRef: {key: prod/db}
"""


def test_kubectl_create_secret_generic_is_opaque_and_reapplies_as_opaque(kubectl, namespace):
    kubectl("create", "secret", "generic", "creds", "-n", namespace, "--from-literal=user=admin")
    stored = json.loads(kubectl("get", "secret", "creds", "-n", namespace, "-o", "json").stdout)

    applied = kubectl(
        "apply",
        "-n",
        namespace,
        "-f",
        "-",
        stdin=json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": "creds"},
                "type": "Opaque",
                "data": stored["data"],
            }
        ),
    )

    assert stored["type"] == "Opaque"
    assert "secret/creds configured" in applied.stdout


def test_crd_schema_defaults_are_applied_on_create(kubectl, namespace):
    kubectl("apply", "-f", str(EXTERNAL_SECRETS_CRDS))
    kubectl("wait", "--for=condition=Established", "crd/externalsecrets.external-secrets.io")

    kubectl("apply", "-n", namespace, "-f", "-", stdin=EXTERNAL_SECRET)
    stored = json.loads(kubectl("get", "externalsecret", "db", "-n", namespace, "-o", "json").stdout)

    assert stored["spec"]["refreshInterval"] == "1h"
    assert stored["spec"]["target"] == {
        "name": "db",
        "creationPolicy": "Owner",
        "deletionPolicy": "Retain",
    }
