"""The storefront Helm chart (app/chart), rendered with the pinned Helm for Kubernetes 1.32.

Two renders are checked property by property: the defaults (External Secrets, plain Redis, HTTP only) and
ci/eso-off-tls-cert-values.yaml (an existing Secret, Redis over TLS, an ACM certificate, IRSA, a registry).
Schema validity of every object (built-in kinds and the ExternalSecret CRD) is sandbox.validate_manifests'
job; the last tests here run it on this chart so that a failure names the object.
"""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from sandbox.validate_manifests import DEFAULT_CRD_DIR, find_charts, helm_binary, validate_charts

REPO_ROOT = Path(__file__).resolve().parents[3]
CHART = REPO_ROOT / "app" / "chart"
VARIANT_VALUES = CHART / "ci" / "eso-off-tls-cert-values.yaml"
KUBE_VERSION = "1.32.0"
RELEASE = "shop"
FULLNAME = "shop-storefront"
COMPONENTS = ("backend", "frontend")
CONTAINER_PORTS = {"backend": 8081, "frontend": 8080}
SECRET_ENV = ("DATABASE_URL", "REDIS_PASSWORD")
COMMON_LABELS = (
    "helm.sh/chart",
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/part-of",
)
ALB = "alb.ingress.kubernetes.io/"


def helm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([helm_binary(), *args], capture_output=True, text=True, check=False)


def render(*extra: str) -> list[dict[str, Any]]:
    result = helm("template", RELEASE, str(CHART), "--kube-version", KUBE_VERSION, *extra)
    assert result.returncode == 0, result.stderr
    return [document for document in yaml.safe_load_all(result.stdout) if document]


class Manifests:
    """The objects of one render, looked up by kind and name."""

    def __init__(self, documents: list[dict[str, Any]]) -> None:
        self.documents = documents

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [document for document in self.documents if document["kind"] == kind]

    def get(self, kind: str, name: str) -> dict[str, Any]:
        matches = [document for document in self.of_kind(kind) if document["metadata"]["name"] == name]
        assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
        return matches[0]

    def deployment(self, component: str) -> dict[str, Any]:
        return self.get("Deployment", f"{FULLNAME}-{component}")

    def pod_specs(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for deployment in self.of_kind("Deployment"):
            yield deployment["metadata"]["name"], deployment["spec"]["template"]["spec"]
        for pod in self.of_kind("Pod"):
            yield pod["metadata"]["name"], pod["spec"]


def env_of(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {variable["name"]: variable for variable in container.get("env", [])}


@pytest.fixture(scope="module")
def default() -> Manifests:
    return Manifests(render())


@pytest.fixture(scope="module")
def variant() -> Manifests:
    return Manifests(render("--values", str(VARIANT_VALUES)))


@pytest.fixture(params=["default", "variant"])
def manifests(request: pytest.FixtureRequest) -> Manifests:
    return request.getfixturevalue(request.param)


def test_default_render_has_every_object(default: Manifests) -> None:
    kinds = sorted((document["kind"], document["metadata"]["name"]) for document in default.documents)
    assert kinds == sorted(
        [
            ("Deployment", f"{FULLNAME}-backend"),
            ("Deployment", f"{FULLNAME}-frontend"),
            ("Service", f"{FULLNAME}-backend"),
            ("Service", f"{FULLNAME}-frontend"),
            ("HorizontalPodAutoscaler", f"{FULLNAME}-backend"),
            ("HorizontalPodAutoscaler", f"{FULLNAME}-frontend"),
            ("PodDisruptionBudget", f"{FULLNAME}-backend"),
            ("PodDisruptionBudget", f"{FULLNAME}-frontend"),
            ("ServiceAccount", FULLNAME),
            ("Ingress", FULLNAME),
            ("ExternalSecret", f"{FULLNAME}-backend"),
            ("Pod", f"{FULLNAME}-frontend-test-healthz"),
        ]
    )


def test_no_object_names_a_namespace(manifests: Manifests) -> None:
    assert [d["metadata"]["name"] for d in manifests.documents if "namespace" in d["metadata"]] == []


def test_every_object_carries_the_recommended_labels(manifests: Manifests) -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    for document in manifests.documents:
        labels = document["metadata"]["labels"]
        assert all(key in labels for key in COMMON_LABELS), document["metadata"]["name"]
        assert labels["app.kubernetes.io/instance"] == RELEASE
        assert labels["app.kubernetes.io/version"] == chart["appVersion"]
        assert labels["helm.sh/chart"] == f"storefront-{chart['version']}"


def test_selectors_match_pods_and_leave_out_the_version(manifests: Manifests) -> None:
    for component in COMPONENTS:
        deployment = manifests.deployment(component)
        selector = deployment["spec"]["selector"]["matchLabels"]
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= pod_labels.items()
        assert selector["app.kubernetes.io/component"] == component
        assert "app.kubernetes.io/version" not in selector  # selectors are immutable across upgrades
        name = f"{FULLNAME}-{component}"
        assert manifests.get("Service", name)["spec"]["selector"] == selector
        assert manifests.get("PodDisruptionBudget", name)["spec"]["selector"]["matchLabels"] == selector


def test_pods_run_non_root_with_runtime_default_seccomp(manifests: Manifests) -> None:
    for name, spec in manifests.pod_specs():
        security = spec["securityContext"]
        assert security["runAsNonRoot"] is True, name
        assert security["runAsUser"] > 0, name
        assert security["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name


def test_every_container_is_locked_down(manifests: Manifests) -> None:
    for name, spec in manifests.pod_specs():
        for container in spec.get("initContainers", []) + spec["containers"]:
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, (name, container["name"])
            assert security["allowPrivilegeEscalation"] is False, (name, container["name"])
            assert security["capabilities"] == {"drop": ["ALL"]}, (name, container["name"])
            assert {"requests", "limits"} <= container["resources"].keys(), (name, container["name"])


def test_tmp_is_the_only_writable_path(manifests: Manifests) -> None:
    for component in COMPONENTS:
        spec = manifests.deployment(component)["spec"]["template"]["spec"]
        assert [volume["name"] for volume in spec["volumes"]] == ["tmp"]
        assert "emptyDir" in spec["volumes"][0]
        for container in spec.get("initContainers", []) + spec["containers"]:
            assert container["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]


def test_probes_hit_healthz_and_readyz_on_the_serving_port(manifests: Manifests) -> None:
    for component in COMPONENTS:
        (container,) = manifests.deployment(component)["spec"]["template"]["spec"]["containers"]
        assert container["args"] == ["serve"]
        assert container["ports"] == [
            {"name": "http", "containerPort": CONTAINER_PORTS[component], "protocol": "TCP"}
        ]
        env = env_of(container)
        assert env["PORT"]["value"] == str(CONTAINER_PORTS[component])
        assert env["HOST"]["value"] == "0.0.0.0"  # noqa: S104 - inside the pod, every interface is the pod's
        probes = {
            kind: container[kind]["httpGet"] for kind in ("startupProbe", "livenessProbe", "readinessProbe")
        }
        assert probes == {
            "startupProbe": {"path": "/healthz", "port": "http"},
            "livenessProbe": {"path": "/healthz", "port": "http"},
            "readinessProbe": {"path": "/readyz", "port": "http"},
        }
        service = manifests.get("Service", f"{FULLNAME}-{component}")
        assert service["spec"]["ports"][0]["targetPort"] == "http"


def test_backend_runs_migrate_then_seed_with_the_serving_image_and_environment(manifests: Manifests) -> None:
    spec = manifests.deployment("backend")["spec"]["template"]["spec"]
    (server,) = spec["containers"]
    assert [(init["name"], init["args"]) for init in spec["initContainers"]] == [
        ("migrate", ["migrate"]),
        ("seed", ["seed"]),
    ]
    for init in spec["initContainers"]:
        assert init["image"] == server["image"]
        assert env_of(init).items() <= env_of(server).items()
        assert {"DATABASE_URL", "REDIS_URL"} <= env_of(init).keys()
    assert "initContainers" not in manifests.deployment("frontend")["spec"]["template"]["spec"]


def test_migrations_can_be_switched_off() -> None:
    backend = Manifests(render("--set", "backend.migrations.enabled=false")).deployment("backend")
    assert "initContainers" not in backend["spec"]["template"]["spec"]
    no_seed = Manifests(render("--set", "backend.migrations.seed=false")).deployment("backend")
    assert [init["name"] for init in no_seed["spec"]["template"]["spec"]["initContainers"]] == ["migrate"]


def secret_refs(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: variable["valueFrom"]["secretKeyRef"]
        for name, variable in env_of(container).items()
        if "secretKeyRef" in variable.get("valueFrom", {})
    }


def assert_backend_reads_secret(manifests: Manifests, secret_name: str) -> None:
    spec = manifests.deployment("backend")["spec"]["template"]["spec"]
    for container in spec["initContainers"] + spec["containers"]:
        refs = secret_refs(container)
        assert sorted(refs) == sorted(SECRET_ENV), container["name"]
        assert {ref["name"] for ref in refs.values()} == {secret_name}
        assert {name: ref["key"] for name, ref in refs.items()} == {name: name for name in SECRET_ENV}
        assert refs["DATABASE_URL"].get("optional") is None  # no database, no pod
    (frontend,) = manifests.deployment("frontend")["spec"]["template"]["spec"]["containers"]
    assert secret_refs(frontend) == {}


def test_external_secret_builds_the_backend_secret_from_secrets_manager(default: Manifests) -> None:
    (external,) = default.of_kind("ExternalSecret")
    assert external["apiVersion"] == "external-secrets.io/v1"
    spec = external["spec"]
    assert spec["secretStoreRef"] == {"kind": "ClusterSecretStore", "name": "aws-secrets-manager"}
    assert spec["target"]["name"] == f"{FULLNAME}-backend"
    assert spec["target"]["creationPolicy"] == "Owner"
    assert {item["secretKey"]: item["remoteRef"] for item in spec["data"]} == {
        "dbPassword": {"key": "rds-password"},
        "redisPassword": {"key": "redis-auth"},
    }
    template = spec["target"]["template"]
    assert template["engineVersion"] == "v2"
    assert template["data"] == {
        "DATABASE_URL": "postgresql://storefront:{{ .dbPassword | urlquery }}@postgresql:5432/storefront"
        "?sslmode=require",
        "REDIS_PASSWORD": "{{ .redisPassword }}",
    }
    assert_backend_reads_secret(default, f"{FULLNAME}-backend")


def test_external_secret_api_version_property_and_store_are_values() -> None:
    (external,) = Manifests(
        render(
            "--set",
            "secrets.externalSecret.apiVersion=external-secrets.io/v1beta1",
            "--set",
            "secrets.externalSecret.secretStoreRef.name=team-store",
            "--set",
            "secrets.externalSecret.databasePassword.property=password",
            "--set",
            "backend.database.sslmode=",
        )
    ).of_kind("ExternalSecret")
    assert external["apiVersion"] == "external-secrets.io/v1beta1"
    assert external["spec"]["secretStoreRef"]["name"] == "team-store"
    assert external["spec"]["data"][0]["remoteRef"] == {"key": "rds-password", "property": "password"}
    assert external["spec"]["target"]["template"]["data"]["DATABASE_URL"].endswith("/storefront")


def test_endpoints_and_redis_url_can_come_from_the_json_secrets() -> None:
    """What the app_deploy role installs: every part of both URLs from the seeded secrets."""
    manifests = Manifests(
        render(
            *("--set", "secrets.externalSecret.endpointsFromSecrets=true"),
            *("--set", "secrets.externalSecret.databasePassword.property=password"),
            *("--set", "secrets.externalSecret.redisAuth.property=auth_token"),
            *("--set", "backend.redis.tls=true"),
        )
    )
    (external,) = manifests.of_kind("ExternalSecret")
    refs = {item["secretKey"]: item["remoteRef"] for item in external["spec"]["data"]}
    assert refs == {
        "dbPassword": {"key": "rds-password", "property": "password"},
        "dbUser": {"key": "rds-password", "property": "username"},
        "dbHost": {"key": "rds-password", "property": "host"},
        "dbPort": {"key": "rds-password", "property": "port"},
        "dbName": {"key": "rds-password", "property": "dbname"},
        "redisPassword": {"key": "redis-auth", "property": "auth_token"},
        "redisHost": {"key": "redis-auth", "property": "host"},
        "redisPort": {"key": "redis-auth", "property": "port"},
    }
    assert external["spec"]["target"]["template"]["data"] == {
        "DATABASE_URL": "postgresql://{{ .dbUser | urlquery }}:{{ .dbPassword | urlquery }}"
        "@{{ .dbHost }}:{{ .dbPort }}/{{ .dbName }}?sslmode=require",
        "REDIS_URL": "rediss://{{ .redisHost }}:{{ .redisPort }}/0",
        "REDIS_PASSWORD": "{{ .redisPassword }}",
    }
    (backend,) = manifests.deployment("backend")["spec"]["template"]["spec"]["containers"]
    assert env_of(backend)["REDIS_URL"] == {
        "name": "REDIS_URL",
        "valueFrom": {"secretKeyRef": {"name": f"{FULLNAME}-backend", "key": "REDIS_URL"}},
    }


def test_existing_secret_replaces_the_external_secret(variant: Manifests) -> None:
    assert variant.of_kind("ExternalSecret") == []
    assert_backend_reads_secret(variant, "storefront-credentials")


def test_an_existing_secret_must_be_named() -> None:
    result = helm("template", RELEASE, str(CHART), "--set", "secrets.externalSecret.enabled=false")
    assert result.returncode != 0
    assert "secrets" in result.stderr


def test_redis_url_follows_the_tls_switch(default: Manifests, variant: Manifests) -> None:
    def redis_url(manifests: Manifests) -> str:
        (container,) = manifests.deployment("backend")["spec"]["template"]["spec"]["containers"]
        return env_of(container)["REDIS_URL"]["value"]

    assert redis_url(default) == "redis://redis:6379/0"
    assert redis_url(variant) == "rediss://master.ecommerce-demo-redis.abc123.use1.cache.amazonaws.com:6379/0"


def test_frontend_points_at_the_backend_service(manifests: Manifests) -> None:
    (container,) = manifests.deployment("frontend")["spec"]["template"]["spec"]["containers"]
    backend_service = manifests.get("Service", f"{FULLNAME}-backend")
    port = backend_service["spec"]["ports"][0]["port"]
    assert env_of(container)["BACKEND_URL"]["value"] == f"http://{FULLNAME}-backend:{port}"


def test_default_ingress_is_an_internet_facing_alb_on_http(default: Manifests) -> None:
    ingress = default.get("Ingress", FULLNAME)
    assert ingress["spec"]["ingressClassName"] == "alb"
    assert ingress["metadata"]["annotations"] == {
        f"{ALB}scheme": "internet-facing",
        f"{ALB}target-type": "ip",
        f"{ALB}healthcheck-path": "/healthz",
        f"{ALB}success-codes": "200",
        f"{ALB}listen-ports": '[{"HTTP": 80}]',
    }
    (rule,) = ingress["spec"]["rules"]
    assert "host" not in rule
    (path,) = rule["http"]["paths"]
    assert (path["path"], path["pathType"]) == ("/", "Prefix")
    assert path["backend"]["service"] == {"name": f"{FULLNAME}-frontend", "port": {"name": "http"}}


def test_certificate_adds_https_and_the_redirect(variant: Manifests) -> None:
    ingress = variant.get("Ingress", FULLNAME)
    annotations = ingress["metadata"]["annotations"]
    assert json.loads(annotations[f"{ALB}listen-ports"]) == [{"HTTP": 80}, {"HTTPS": 443}]
    assert annotations[f"{ALB}certificate-arn"].startswith("arn:aws:acm:us-east-1:123456789012:certificate/")
    assert annotations[f"{ALB}ssl-redirect"] == "443"
    assert annotations[f"{ALB}ssl-policy"].startswith("ELBSecurityPolicy-TLS13")
    assert annotations[f"{ALB}group.name"] == "ecommerce-demo"
    assert annotations[f"{ALB}tags"] == "Project=ecommerce-demo"  # extra annotations pass through
    assert annotations[f"{ALB}scheme"] == "internet-facing"
    assert ingress["spec"]["rules"][0]["host"] == "shop.example.com"


def test_user_annotations_override_the_built_ones() -> None:
    escaped_key = ALB.replace(".", "\\.") + "scheme"
    ingress = Manifests(render("--set-string", f"ingress.annotations.{escaped_key}=internal"))
    assert ingress.get("Ingress", FULLNAME)["metadata"]["annotations"][f"{ALB}scheme"] == "internal"


def test_service_account_has_the_irsa_role_only_when_given(default: Manifests, variant: Manifests) -> None:
    assert "annotations" not in default.get("ServiceAccount", FULLNAME)["metadata"]
    assert variant.get("ServiceAccount", FULLNAME)["metadata"]["annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/ecommerce-demo-storefront"
    }
    for manifests in (default, variant):
        for component in COMPONENTS:
            spec = manifests.deployment(component)["spec"]["template"]["spec"]
            assert spec["serviceAccountName"] == FULLNAME


def test_images_default_to_the_ecr_repositories_at_the_app_version(default: Manifests) -> None:
    app_version = yaml.safe_load((CHART / "Chart.yaml").read_text())["appVersion"]
    for component in COMPONENTS:
        (container,) = default.deployment(component)["spec"]["template"]["spec"]["containers"]
        assert container["image"] == f"ecommerce-demo/{component}:{app_version}"


def test_registry_tag_and_digest_compose_the_image(variant: Manifests) -> None:
    registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    images = {
        component: variant.deployment(component)["spec"]["template"]["spec"]["containers"][0]["image"]
        for component in COMPONENTS
    }
    assert images["backend"] == f"{registry}/ecommerce-demo/backend:1.2.3"
    assert re.fullmatch(rf"{registry}/ecommerce-demo/frontend@sha256:[0-9a-f]{{64}}", images["frontend"])


def test_hpa_owns_the_replica_count_when_enabled(default: Manifests, variant: Manifests) -> None:
    for component in COMPONENTS:
        assert "replicas" not in default.deployment(component)["spec"]
        hpa = default.get("HorizontalPodAutoscaler", f"{FULLNAME}-{component}")
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": f"{FULLNAME}-{component}",
        }
        assert 2 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]
        assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    assert variant.deployment("backend")["spec"]["replicas"] == 3
    variant_hpas = [hpa["metadata"]["name"] for hpa in variant.of_kind("HorizontalPodAutoscaler")]
    assert variant_hpas == [f"{FULLNAME}-frontend"]


def test_pod_disruption_budgets_allow_one_eviction_at_a_time(manifests: Manifests) -> None:
    for component in COMPONENTS:
        pdb = manifests.get("PodDisruptionBudget", f"{FULLNAME}-{component}")
        assert pdb["apiVersion"] == "policy/v1"
        assert pdb["spec"] == {"maxUnavailable": 1, "selector": pdb["spec"]["selector"]}


def test_helm_test_pod_fetches_frontend_healthz(manifests: Manifests) -> None:
    (pod,) = manifests.of_kind("Pod")
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    (container,) = pod["spec"]["containers"]
    assert container["image"] == "busybox:1.37.0"
    frontend_port = manifests.get("Service", f"{FULLNAME}-frontend")["spec"]["ports"][0]["port"]
    assert container["command"][0] == "wget"
    assert container["command"][-1] == f"http://{FULLNAME}-frontend:{frontend_port}/healthz"
    assert pod["spec"]["restartPolicy"] == "Never"


def test_values_schema_rejects_unknown_and_ill_typed_values() -> None:
    for bad in ("backend.replicas=2", "backend.redis.tls=yes", "ingress.certificateArn=not-an-arn"):
        result = helm("template", RELEASE, str(CHART), "--set", bad)
        assert result.returncode != 0, bad
        assert "values don't meet the specifications of the schema" in result.stderr, bad


def test_app_version_is_the_storefront_package_version() -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    project = tomllib.loads((REPO_ROOT / "app" / "pyproject.toml").read_text())["project"]
    assert chart["name"] == "storefront"
    assert chart["appVersion"] == project["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", chart["version"])


def value_paths(values: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """Dotted paths of the leaves of values.yaml (empty maps and lists are leaves too)."""
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value and path not in ("backend.resources", "frontend.resources"):
            yield from value_paths(value, f"{path}.")
        else:
            yield path


def test_readme_documents_every_value() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    readme = (CHART / "README.md").read_text()
    documented = set(re.findall(r"^\| `([^`]+)` \|", readme, flags=re.MULTILINE))
    assert sorted(set(value_paths(values)) - documented) == []
    assert sorted(documented - set(value_paths(values))) == []


def test_helm_lint_strict_is_clean() -> None:
    for values in ([], ["--values", str(VARIANT_VALUES)]):
        result = helm("lint", "--strict", "--kube-version", KUBE_VERSION, str(CHART), *values)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "[WARNING]" not in result.stdout
        assert "[ERROR]" not in result.stdout


def test_rendered_objects_are_valid_for_kubernetes_1_32_and_the_eso_crds() -> None:
    assert find_charts([CHART]) == [CHART.resolve()]
    report = validate_charts([CHART.resolve()], DEFAULT_CRD_DIR, KUBE_VERSION)
    assert report.errors == []
    assert report.renders == 2
    assert report.objects == 22
