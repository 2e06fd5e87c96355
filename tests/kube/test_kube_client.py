"""The kubernetes Python client: watches, with the bookmarks recent clients ask for."""

from __future__ import annotations

from kubernetes import client, watch

INITIAL_EVENTS_END = "k8s.io/initial-events-end"


def config_map(name: str, **data: str) -> client.V1ConfigMap:
    return client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name, labels={"watched": "yes"}), data=data)


def test_watch_from_a_resource_version_replays_every_change_in_order(core_v1, namespace):
    start = core_v1.list_namespaced_config_map(namespace).metadata.resource_version
    core_v1.create_namespaced_config_map(namespace, config_map("watched", v="1"))
    core_v1.patch_namespaced_config_map("watched", namespace, {"data": {"v": "2"}})
    core_v1.delete_namespaced_config_map("watched", namespace)

    seen = []
    stream = watch.Watch()
    for event in stream.stream(
        core_v1.list_namespaced_config_map,
        namespace,
        resource_version=start,
        allow_watch_bookmarks=True,
        timeout_seconds=30,
    ):
        if event["type"] == "BOOKMARK":
            continue
        seen.append((event["type"], event["object"].metadata.name, (event["object"].data or {}).get("v")))
        if event["type"] == "DELETED":
            stream.stop()

    assert seen == [("ADDED", "watched", "1"), ("MODIFIED", "watched", "2"), ("DELETED", "watched", "2")]


def test_watch_with_initial_events_ends_them_with_a_bookmark(core_v1, namespace):
    for name in ("first", "second"):
        core_v1.create_namespaced_config_map(namespace, config_map(name, v=name))
    core_v1.create_namespaced_config_map(
        namespace, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="unlabelled"))
    )

    events = []
    stream = watch.Watch()
    for event in stream.stream(
        core_v1.list_namespaced_config_map,
        namespace,
        label_selector="watched=yes",
        allow_watch_bookmarks=True,
        send_initial_events=True,
        resource_version_match="NotOlderThan",
        timeout_seconds=30,
    ):
        events.append(event)
        if event["type"] == "BOOKMARK":
            stream.stop()

    added = sorted(event["object"].metadata.name for event in events if event["type"] == "ADDED")
    bookmark = events[-1]
    assert added == ["first", "second"]
    assert bookmark["type"] == "BOOKMARK"
    assert bookmark["raw_object"]["metadata"]["annotations"][INITIAL_EVENTS_END] == "true"
    assert int(bookmark["raw_object"]["metadata"]["resourceVersion"]) >= max(
        int(event["object"].metadata.resource_version) for event in events if event["type"] == "ADDED"
    )


def test_dry_run_create_returns_the_object_and_stores_nothing(core_v1, namespace):
    answered = core_v1.create_namespaced_config_map(namespace, config_map("imagined", v="1"), dry_run="All")

    assert answered.metadata.name == "imagined"
    assert answered.metadata.uid
    assert (
        core_v1.list_namespaced_config_map(namespace, field_selector="metadata.name!=kube-root-ca.crt").items
        == []
    )
