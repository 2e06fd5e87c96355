"""Render every Helm chart and validate what it would send to a Kubernetes 1.32 API server.

    python -m sandbox.validate_manifests [--kube-version 1.32.0] [--crds DIR] [CHART_OR_DIR ...]

Charts are found by their Chart.yaml under the given paths (default: app/chart, the add-ons' stand-in
charts in sandbox/charts and tests/kube/charts).
Each chart is rendered with `helm template --include-crds` once with its default values and once per
`ci/*-values.yaml` file (the chart-testing convention). Built-in kinds are validated with
kubernetes-validate's strict schemas (what `kubernetes-validate -k 1.32.0 --strict` does); custom
resources against the openAPIV3Schema of their CustomResourceDefinition, taken from the rendered output
or from the directory of known CRDs (tests/kube/crds). Unknown fields are errors there too, as they are
for a server asked for strict field validation. Exits 1 and lists every invalid object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml
from kubernetes_validate.utils import SchemaNotFoundError, ValidationError, major_minor
from referencing import Registry, Resource

from sandbox.config import REPO_ROOT

DEFAULT_KUBE_VERSION = "1.32.0"
DEFAULT_CHART_ROOTS = (
    REPO_ROOT / "app" / "chart",
    REPO_ROOT / "sandbox" / "charts",
    REPO_ROOT / "tests" / "kube" / "charts",
)
DEFAULT_CRD_DIR = REPO_ROOT / "tests" / "kube" / "crds"
RELEASE_NAME = "validate"
RELEASE_NAMESPACE = "validate"
DEFINITIONS_URI = "https://kubernetes.io/api/_definitions.json"
OBJECT_META_REF = f"{DEFINITIONS_URI}#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

# OpenAPI v3 schema keywords whose meaning is the same in JSON Schema 2020-12; everything else in a CRD
# schema is either documentation (description, default, example) or a Kubernetes extension handled below.
PASSTHROUGH_KEYWORDS = frozenset(
    {
        "enum",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "required",
    }
)


@dataclass(frozen=True)
class Render:
    """One `helm template` run: a chart with one values file (or its defaults)."""

    chart: Path
    values: Path | None

    def describe(self) -> str:
        chart = _relative(self.chart)
        return f"{chart} (values {_relative(self.values)})" if self.values else f"{chart} (default values)"


@dataclass
class Report:
    objects: int = 0
    renders: int = 0
    errors: list[str] = field(default_factory=list)


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def find_charts(roots: Iterable[Path]) -> list[Path]:
    """Charts under the roots, leaving out subcharts (their parent renders them)."""
    charts: set[Path] = set()
    for root in roots:
        if not root.exists():
            continue
        for chart_yaml in sorted(root.rglob("Chart.yaml")):
            chart = chart_yaml.parent.resolve()
            if "charts" not in chart.relative_to(root.resolve()).parts[:-1]:
                charts.add(chart)
    return sorted(charts)


def renders_of(chart: Path) -> list[Render]:
    return [Render(chart, None)] + [
        Render(chart, values) for values in sorted(chart.glob("ci/*-values.yaml"))
    ]


class RenderError(RuntimeError):
    """helm refused the chart."""


def helm_binary() -> str:
    """The pinned helm beside this interpreter (`make helm` puts it there), else the one on PATH."""
    beside_python = Path(sys.executable).parent / "helm"
    found = str(beside_python) if beside_python.is_file() else shutil.which("helm")
    if found is None:
        raise RenderError("helm not found: run `make helm` (python -m sandbox.helm install)")
    return found


def _values_args(render: Render) -> list[str]:
    return ["--values", str(render.values)] if render.values else []


def helm_lint(render: Render, kube_version: str) -> None:
    """`helm lint --strict` catches what rendering alone lets through (values schema, deprecated APIs)."""
    command = [
        helm_binary(),
        "lint",
        "--strict",
        "--quiet",
        str(render.chart),
        "--kube-version",
        kube_version,
    ]
    result = subprocess.run(command + _values_args(render), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RenderError(f"helm lint failed:\n{(result.stdout + result.stderr).strip()}")


def helm_template(render: Render, kube_version: str) -> list[dict[str, Any]]:
    command = [
        helm_binary(),
        "template",
        RELEASE_NAME,
        str(render.chart),
        "--namespace",
        RELEASE_NAMESPACE,
        "--kube-version",
        kube_version,
        "--include-crds",
    ]
    result = subprocess.run(command + _values_args(render), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RenderError(f"helm template failed:\n{result.stderr.strip()}")
    return [document for document in yaml.safe_load_all(result.stdout) if document]


def load_crds(documents: Iterable[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Map (group, version, kind) of every served CRD version to its openAPIV3Schema."""
    schemas = {}
    for document in documents:
        if document.get("kind") != "CustomResourceDefinition":
            continue
        spec = document.get("spec", {})
        for version in spec.get("versions", []):
            schema = version.get("schema", {}).get("openAPIV3Schema")
            if version.get("served") and schema is not None:
                schemas[(spec["group"], version["name"], spec["names"]["kind"])] = schema
    return schemas


def load_crd_dir(directory: Path) -> dict[tuple[str, str, str], dict[str, Any]]:
    documents = []
    for path in sorted(directory.glob("*.y*ml")) if directory.is_dir() else []:
        documents += [document for document in yaml.safe_load_all(path.read_text()) if document]
    return load_crds(documents)


def structural_to_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Translate a CRD structural schema into JSON Schema with the apiserver's strictness.

    nullable, x-kubernetes-int-or-string and x-kubernetes-preserve-unknown-fields have no JSON Schema
    spelling; an object that lists its properties and does not preserve unknown fields rejects others.
    """
    result: dict[str, Any] = {key: value for key, value in schema.items() if key in PASSTHROUGH_KEYWORDS}
    if schema.get("x-kubernetes-int-or-string"):
        result["type"] = ["integer", "string"]
    elif "type" in schema:
        result["type"] = [schema["type"], "null"] if schema.get("nullable") else schema["type"]
    if "properties" in schema:
        result["properties"] = {
            name: structural_to_json_schema(sub) for name, sub in schema["properties"].items()
        }
    if "items" in schema:
        result["items"] = structural_to_json_schema(schema["items"])
    additional = schema.get("additionalProperties")
    if isinstance(additional, dict):
        result["additionalProperties"] = structural_to_json_schema(additional)
    elif additional is not None:
        result["additionalProperties"] = additional
    elif "properties" in schema and not schema.get("x-kubernetes-preserve-unknown-fields"):
        result["additionalProperties"] = False
    for combinator in ("allOf", "anyOf", "oneOf"):
        if combinator in schema:
            result[combinator] = [structural_to_json_schema(sub) for sub in schema[combinator]]
    if "not" in schema:
        result["not"] = structural_to_json_schema(schema["not"])
    return result


def custom_resource_schema(crd_schema: dict[str, Any]) -> dict[str, Any]:
    schema = structural_to_json_schema(crd_schema)
    properties = schema.setdefault("properties", {})
    properties["apiVersion"] = {"type": "string"}
    properties["kind"] = {"type": "string"}
    properties["metadata"] = {"$ref": OBJECT_META_REF}  # the apiserver validates metadata itself
    schema["required"] = sorted({*schema.get("required", []), "apiVersion", "kind", "metadata"})
    return schema


def definitions_registry(kube_version: str) -> Registry:
    schema_dir = f"v{major_minor(kube_version)}.0-local-strict"
    definitions = resources.files("kubernetes_validate") / "kubernetes-json-schema" / schema_dir
    contents = json.loads((definitions / "_definitions.json").read_text())
    return Registry().with_resource(DEFINITIONS_URI, Resource.from_contents(contents))


def object_name(document: dict[str, Any]) -> str:
    metadata = document.get("metadata") or {}
    namespace = f"{metadata['namespace']}/" if metadata.get("namespace") else ""
    return (
        f"{document.get('apiVersion')} {document.get('kind')} {namespace}{metadata.get('name', '<no name>')}"
    )


def _path(error: jsonschema.ValidationError) -> str:
    return ".".join(str(part) for part in error.absolute_path) or "<root>"


def validate_document(
    document: dict[str, Any],
    crds: dict[tuple[str, str, str], dict[str, Any]],
    kube_version: str,
    registry: Registry,
) -> Iterator[str]:
    """Yield one message per problem found in one object."""
    if not isinstance(document, dict) or "apiVersion" not in document or "kind" not in document:
        yield "not a Kubernetes object (apiVersion and kind are required)"
        return
    group, _, version = document["apiVersion"].rpartition("/")
    crd_schema = crds.get((group, version, document["kind"]))
    if crd_schema is not None:
        validator = jsonschema.Draft202012Validator(custom_resource_schema(crd_schema), registry=registry)
        for error in sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path)):
            yield f"{_path(error)}: {error.message}"
        return
    try:
        kubernetes_validate.validate(document, kube_version, strict=True)
    except ValidationError as error:
        yield f"{_path(error)}: {error.message}"
    except SchemaNotFoundError:
        yield f"no schema: neither a built-in kind of Kubernetes {kube_version} nor a known CRD"


def validate_charts(charts: list[Path], crd_dir: Path, kube_version: str) -> Report:
    report = Report()
    known_crds = load_crd_dir(crd_dir)
    registry = definitions_registry(kube_version)
    for chart in charts:
        for render in renders_of(chart):
            report.renders += 1
            try:
                helm_lint(render, kube_version)
            except RenderError as error:  # still render: every invalid object should be listed at once
                report.errors.append(f"{render.describe()}: {error}")
            try:
                documents = helm_template(render, kube_version)
            except RenderError as error:
                report.errors.append(f"{render.describe()}: {error}")
                continue
            crds = {**known_crds, **load_crds(documents)}
            for document in documents:
                report.objects += 1
                for problem in validate_document(document, crds, kube_version, registry):
                    report.errors.append(f"{render.describe()}: {object_name(document)}: {problem}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.validate_manifests", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("paths", nargs="*", type=Path, default=list(DEFAULT_CHART_ROOTS))
    parser.add_argument("--kube-version", default=DEFAULT_KUBE_VERSION)
    parser.add_argument("--crds", type=Path, default=DEFAULT_CRD_DIR, help="directory of known CRD YAML")
    args = parser.parse_args(argv)
    charts = find_charts(args.paths)
    if not charts:
        print(f"no Chart.yaml under {', '.join(map(str, args.paths))}", file=sys.stderr)
        return 1
    report = validate_charts(charts, args.crds, args.kube_version)
    for error in report.errors:
        print(f"INVALID {error}")
    verdict = f"{len(report.errors)} problem(s)" if report.errors else "all valid"
    print(
        f"{len(charts)} chart(s), {report.renders} render(s), {report.objects} object(s) "
        f"against Kubernetes {args.kube_version}: {verdict}"
    )
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
