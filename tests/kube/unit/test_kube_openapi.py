"""OpenAPI documents: what kubectl reads from them to decide who validates and how lists merge."""

from __future__ import annotations

from sandbox.kube import openapi, openapi_protobuf, protobuf
from sandbox.kube.resources import ResourceType, TypeRegistry


def widget_registry() -> TypeRegistry:
    registry = TypeRegistry()
    registry.add(
        ResourceType(
            group="example.com",
            version="v1",
            kind="Widget",
            plural="widgets",
            namespaced=True,
            crd_schema={"type": "object", "properties": {"spec": {"type": "object"}}},
        )
    )
    return registry


def patch_operations(document: dict) -> dict[str, dict]:
    return {
        operation["x-kubernetes-group-version-kind"]["kind"]: operation
        for item in document["paths"].values()
        for method, operation in item.items()
        if method == "patch"
    }


def test_every_patch_operation_offers_field_validation_so_kubectl_leaves_it_to_the_server():
    document = openapi.v3_document(TypeRegistry(), "apps", "v1")

    deployment_patch = patch_operations(document)["Deployment"]

    assert "fieldValidation" in [parameter["name"] for parameter in deployment_patch["parameters"]]


def test_v3_components_keep_the_patch_strategy_of_containers():
    schemas = openapi.v3_document(TypeRegistry(), "apps", "v1")["components"]["schemas"]

    containers = schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]

    assert containers["x-kubernetes-patch-merge-key"] == "name"
    assert containers["items"]["$ref"] == "#/components/schemas/io.k8s.api.core.v1.Container"


def test_custom_resources_appear_in_the_index_and_their_own_document():
    registry = widget_registry()

    index = openapi.v3_index(registry)["paths"]
    document = openapi.v3_document(registry, "example.com", "v1")

    url = index["apis/example.com/v1"]["serverRelativeURL"]
    assert url.startswith("/openapi/v3/apis/example.com/v1?hash=")
    assert "com.example.v1.Widget" in document["components"]["schemas"]


def test_v2_protobuf_starts_with_the_swagger_version_and_holds_the_definitions():
    encoded = openapi_protobuf.document(openapi.v2_document(TypeRegistry()))

    fields = dict(protobuf.wire_fields(encoded))
    named_schemas = [value for number, value in protobuf.wire_fields(fields[9]) if number == 1]
    names = [dict(protobuf.wire_fields(named))[1] for named in named_schemas]

    assert fields[1] == b"2.0"
    assert b"io.k8s.api.apps.v1.Deployment" in names
