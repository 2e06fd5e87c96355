"""sandbox.validate_manifests: charts rendered for Kubernetes 1.32, built-in kinds and custom resources
validated, every invalid object listed."""

from __future__ import annotations

import shutil

import jsonschema
import pytest
from kube_clients import CHARTS

from sandbox import validate_manifests

BAD_OBJECTS = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: typed
data:
  count: 1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: misspelt
spec:
  replica: 2
  selector: {matchLabels: {app: misspelt}}
  template:
    metadata: {labels: {app: misspelt}}
    spec:
      containers: [{name: web, image: nginx}]
---
apiVersion: example.com/v1
kind: Unknown
metadata:
  name: stray
"""


def test_the_test_charts_are_valid(capsys):
    assert validate_manifests.main([str(CHARTS)]) == 0
    assert capsys.readouterr().out.endswith("against Kubernetes 1.32.0: all valid\n")


def test_every_invalid_object_is_listed(tmp_path, capsys):
    chart = tmp_path / "broken"
    shutil.copytree(CHARTS / "custom-resources", chart)
    (chart / "templates" / "bad.yaml").write_text(BAD_OBJECTS)
    (chart / "ci").mkdir()
    (chart / "ci" / "wrong-values.yaml").write_text("widget:\n  size: 11\n  color: purple\n")

    assert validate_manifests.main([str(chart)]) == 1

    invalid = [line for line in capsys.readouterr().out.splitlines() if line.startswith("INVALID")]
    default, wrong = f"{chart} (default values)", f"{chart} (values {chart}/ci/wrong-values.yaml)"
    for render in (default, wrong):
        typed = f"INVALID {render}: v1 ConfigMap typed: data.count: 1 is not of type 'string', 'null'"
        assert typed in invalid
        assert any(
            line.startswith(f"INVALID {render}: apps/v1 Deployment misspelt: spec: Additional properties")
            and "'replica' was unexpected" in line
            for line in invalid
        )
        assert (
            f"INVALID {render}: example.com/v1 Unknown stray: no schema: "
            "neither a built-in kind of Kubernetes 1.32.0 nor a known CRD" in invalid
        )
    widget = f"INVALID {wrong}: conformance.example.com/v1 Widget validate-widget: "
    assert f"{widget}spec.color: 'purple' is not one of ['red', 'green', 'blue']" in invalid
    assert f"{widget}spec.size: 11 is greater than the maximum of 10" in invalid
    assert not any("ExternalSecret" in line or "ClusterSecretStore" in line for line in invalid)


def test_external_secret_is_checked_against_the_known_crd(tmp_path, capsys):
    chart = tmp_path / "secrets"
    shutil.copytree(CHARTS / "custom-resources", chart)
    template = chart / "templates" / "externalsecret.yaml"
    template.write_text(template.read_text().replace("creationPolicy: Owner", "creationPolicy: Always"))

    assert validate_manifests.main([str(chart)]) == 1

    assert (
        "ExternalSecret storefront-database: spec.target.creationPolicy: 'Always' is not one of "
        "['Owner', 'Orphan', 'Merge', 'None']" in capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("instance", "valid"),
    [
        ({"port": 80, "name": "x", "extra": {"anything": [1]}}, True),
        ({"port": "http", "name": None}, True),
        ({"port": 1.5}, False),
        ({"name": 3}, False),
        ({"surprise": True}, False),
    ],
)
def test_structural_schema_translation_follows_the_apiserver(instance, valid):
    crd_schema = {
        "type": "object",
        "properties": {
            "port": {"x-kubernetes-int-or-string": True},
            "name": {"type": "string", "nullable": True},
            "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        },
    }
    validator = jsonschema.Draft202012Validator(validate_manifests.structural_to_json_schema(crd_schema))

    assert validator.is_valid(instance) is valid
