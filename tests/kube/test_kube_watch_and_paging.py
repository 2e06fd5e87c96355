"""Watches with label selectors, paged lists and warnings as the apiserver serves them."""

from __future__ import annotations

from kubernetes import client, watch


def labelled(name: str, tier: str) -> client.V1ConfigMap:
    return client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name, labels={"tier": tier}), data={"v": "1"})


def test_relabelling_in_and_out_of_a_selector_is_added_then_deleted(core_v1, namespace):
    start = core_v1.list_namespaced_config_map(namespace).metadata.resource_version
    core_v1.create_namespaced_config_map(namespace, labelled("moving", "back"))
    core_v1.patch_namespaced_config_map("moving", namespace, {"metadata": {"labels": {"tier": "front"}}})
    core_v1.patch_namespaced_config_map("moving", namespace, {"data": {"v": "2"}})
    core_v1.patch_namespaced_config_map("moving", namespace, {"metadata": {"labels": {"tier": "back"}}})

    seen = []
    stream = watch.Watch()
    for event in stream.stream(
        core_v1.list_namespaced_config_map,
        namespace,
        label_selector="tier=front",
        resource_version=start,
        timeout_seconds=30,
    ):
        seen.append((event["type"], event["object"].metadata.labels["tier"], event["object"].data["v"]))
        if event["type"] == "DELETED":
            stream.stop()

    # DELETED carries the last state that matched, as the watch cache sends it.
    assert seen == [("ADDED", "front", "1"), ("MODIFIED", "front", "2"), ("DELETED", "front", "2")]


def test_paged_list_is_a_snapshot_of_the_first_page(core_v1, namespace):
    names = [f"cm-{index:02d}" for index in range(10)]
    for name in names:
        core_v1.create_namespaced_config_map(namespace, labelled(name, "paged"))

    first = core_v1.list_namespaced_config_map(namespace, label_selector="tier=paged", limit=4)
    # Between pages: three served objects go, one not yet served (cm-08) goes, one (cm-99) is added. The
    # later pages still show the list as it was at the first page's resourceVersion, as etcd serves it.
    for gone in [*first.items[:2], first.items[-1]]:
        core_v1.delete_namespaced_config_map(gone.metadata.name, namespace)
    core_v1.delete_namespaced_config_map("cm-08", namespace)
    core_v1.create_namespaced_config_map(namespace, labelled("cm-99", "paged"))
    seen = [item.metadata.name for item in first.items]
    token = first.metadata._continue
    while token:
        page = core_v1.list_namespaced_config_map(
            namespace, label_selector="tier=paged", limit=4, _continue=token
        )
        seen += [item.metadata.name for item in page.items]
        token = page.metadata._continue
        assert page.metadata.resource_version == first.metadata.resource_version

    assert seen == names


def test_kubectl_shows_warnings_with_quotes(kubectl, namespace):
    manifest = (
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"warned"},"data":{"a":"b"},"surplus":"x"}'
    )

    result = kubectl("apply", "--validate=warn", "-n", namespace, "-f", "-", stdin=manifest)

    assert 'Warning: unknown field "surplus"' in result.stderr
