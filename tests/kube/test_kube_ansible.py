"""kubernetes.core (k8s, k8s_info, helm, helm_info) against the emulator, the way the roles call them."""

from __future__ import annotations

from kube_clients import BIN, CHARTS

WIDGET_CRD = CHARTS / "custom-resources" / "crds" / "widgets.yaml"
PRESENT_TASKS = ("Apply the ConfigMap", "Apply the Deployment")
ABSENT_TASKS = ("Delete the Deployment", "Delete the ConfigMap")


def assert_succeeded(run):
    assert run.returncode == 0, f"{run.report.get('plays')}\n{run.stderr}"
    assert run.stats["failures"] == 0


def test_present_twice_changes_only_the_first_time(ansible, namespace, core_v1, apps_v1):
    first = ansible("k8s_present.yml", ns=namespace, object_name="web")
    second = ansible("k8s_present.yml", ns=namespace, object_name="web")

    assert_succeeded(first)
    assert_succeeded(second)
    assert [first.task(name)["changed"] for name in PRESENT_TASKS] == [True, True]
    assert second.stats["changed"] == 0
    assert core_v1.read_namespaced_config_map("web", namespace).data == {"message": "hello"}
    assert apps_v1.read_namespaced_deployment("web", namespace).spec.replicas == 2


def test_check_mode_reports_changes_and_makes_none(ansible, namespace, core_v1, apps_v1):
    would_create = ansible("k8s_present.yml", check=True, ns=namespace, object_name="web")
    assert_succeeded(would_create)
    assert would_create.stats["changed"] == 2
    assert (
        core_v1.list_namespaced_config_map(namespace, field_selector="metadata.name!=kube-root-ca.crt").items
        == []
    )
    assert apps_v1.list_namespaced_deployment(namespace).items == []

    assert_succeeded(ansible("k8s_present.yml", ns=namespace, object_name="web"))
    version = core_v1.read_namespaced_config_map("web", namespace).metadata.resource_version
    would_update = ansible("k8s_present.yml", check=True, ns=namespace, object_name="web", message="changed")

    assert_succeeded(would_update)
    assert would_update.task("Apply the ConfigMap")["changed"] is True
    assert would_update.task("Apply the ConfigMap")["result"]["data"] == {"message": "changed"}
    stored = core_v1.read_namespaced_config_map("web", namespace)
    assert (stored.data, stored.metadata.resource_version) == ({"message": "hello"}, version)


def test_absent_twice_changes_only_the_first_time(ansible, namespace, core_v1, apps_v1):
    assert_succeeded(ansible("k8s_present.yml", ns=namespace, object_name="web"))

    first = ansible("k8s_absent.yml", ns=namespace, object_name="web")
    second = ansible("k8s_absent.yml", ns=namespace, object_name="web")

    assert_succeeded(first)
    assert_succeeded(second)
    assert [first.task(name)["changed"] for name in ABSENT_TASKS] == [True, True]
    assert second.stats["changed"] == 0
    assert (
        core_v1.list_namespaced_config_map(namespace, field_selector="metadata.name!=kube-root-ca.crt").items
        == []
    )
    assert apps_v1.list_namespaced_deployment(namespace).items == []


def test_info_selects_by_labels_and_fields_and_waits_for_a_condition(ansible, namespace):
    assert_succeeded(ansible("k8s_present.yml", ns=namespace, object_name="web"))

    info = ansible("k8s_info.yml", ns=namespace, object_name="web")

    assert_succeeded(info)
    by_labels = info.task("List ConfigMaps by labels")["resources"]
    assert [item["metadata"]["name"] for item in by_labels] == ["web"]
    assert info.task("List ConfigMaps by a label nobody has")["resources"] == []
    by_field = info.task("Find the Deployment by field selector")["resources"]
    assert [item["metadata"]["name"] for item in by_field] == ["web"]
    waited = info.task("Wait until the Deployment is Available")
    assert waited["api_found"] is True
    conditions = {c["type"]: c["status"] for c in waited["resources"][0]["status"]["conditions"]}
    assert conditions["Available"] == "True"


def test_crd_then_its_custom_resource(ansible, namespace):
    run = ansible("crd.yml", ns=namespace, object_name="gear", crd_file=str(WIDGET_CRD))

    assert_succeeded(run)  # the expected rejection below is an ignored failure
    assert run.task("Apply the Widget CRD")["changed"] is True
    assert run.task("Create a Widget")["changed"] is True
    assert run.task("Create the Widget again")["changed"] is False
    widget = run.task("Read the Widget")["resources"][0]
    assert widget["spec"] == {"size": 3, "color": "blue"}
    rejected = run.task("Create a Widget its schema rejects")
    assert rejected["failed"] is True
    assert rejected["reason"] == "Unprocessable Entity"
    assert '"code":422' in rejected["msg"]
    assert "spec.size in body should be less than or equal to 10" in rejected["msg"]
    assert "spec.color: Unsupported value:" in rejected["msg"]
    assert run.stats["ignored"] == 1


def test_helm_module_installs_once_then_reports_no_change(ansible, namespace):
    release = {
        "ns": namespace,
        "release": "probe",
        "chart": str(CHARTS / "kube-probe"),
        "helm_binary": str(BIN / "helm"),
    }
    installed = ansible("helm.yml", **release)
    again = ansible("helm.yml", **release)
    removed = ansible("helm.yml", release_state="absent", **release)

    assert_succeeded(installed)
    assert installed.task("Converge the release")["changed"] is True
    assert installed.task("Read the release")["status"]["status"] == "deployed"
    assert_succeeded(again)
    assert again.task("Converge the release")["changed"] is False
    assert_succeeded(removed)
    assert removed.task("Converge the release")["changed"] is True
    assert removed.task("Read the release").get("status") in (None, {})
