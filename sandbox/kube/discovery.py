"""Discovery documents (/api, /apis, group and group-version resource lists) and /version."""

from __future__ import annotations

import base64
import hashlib

from sandbox.kube.resources import ResourceType, TypeRegistry

# What an EKS 1.32 control plane reports; the "-eks-" suffix is what charts' kubeVersion checks meet on EKS.
VERSION_INFO = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.9-eks-113cf36",
    "gitCommit": "1e4f9ce1a2f8f7b5ebd77f6b8c7cb4d56a1b9a5e",
    "gitTreeState": "clean",
    "buildDate": "2025-09-18T17:51:42Z",
    "goVersion": "go1.23.12",
    "compiler": "gc",
    "platform": "linux/amd64",
}

SUBRESOURCE_VERBS = {
    "status": ["get", "patch", "update"],
    "scale": ["get", "patch", "update"],
    "finalize": ["update"],
    "log": ["get"],
    "exec": ["create", "get"],
    "eviction": ["create"],
    "token": ["create"],
}


def _storage_hash(resource_type: ResourceType) -> str:
    digest = hashlib.sha256(f"{resource_type.api_version}/{resource_type.kind}".encode()).digest()
    return base64.b64encode(digest[:8]).decode()


def api_versions(server_address: str) -> dict:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    }


def _group_document(registry: TypeRegistry, group: str) -> dict:
    versions = registry.versions(group)
    entries = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
    return {"name": group, "versions": entries, "preferredVersion": entries[0]}


def api_group_list(registry: TypeRegistry) -> dict:
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [_group_document(registry, group) for group in registry.groups() if group],
    }


def api_group(registry: TypeRegistry, group: str) -> dict | None:
    if not registry.versions(group):
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", **_group_document(registry, group)}


def resource_list(registry: TypeRegistry, group: str, version: str) -> dict | None:
    types = registry.in_group_version(group, version)
    if not types:
        return None
    resources = []
    for resource_type in types:
        entry = {
            "name": resource_type.plural,
            "singularName": resource_type.singular,
            "namespaced": resource_type.namespaced,
            "kind": resource_type.kind,
            "verbs": list(resource_type.verbs),
        }
        if resource_type.short_names:
            entry["shortNames"] = list(resource_type.short_names)
        if resource_type.categories:
            entry["categories"] = list(resource_type.categories)
        if "list" in resource_type.verbs:
            entry["storageVersionHash"] = _storage_hash(resource_type)
        resources.append(entry)
        for subresource in resource_type.subresources:
            sub_entry = {
                "name": f"{resource_type.plural}/{subresource}",
                "singularName": "",
                "namespaced": resource_type.namespaced,
                "kind": resource_type.kind,
                "verbs": SUBRESOURCE_VERBS.get(subresource, ["get"]),
            }
            if subresource == "scale":
                sub_entry.update(group="autoscaling", version="v1", kind="Scale")
            elif subresource == "eviction":
                sub_entry.update(group="policy", version="v1", kind="Eviction")
            elif subresource == "token":
                sub_entry.update(group="authentication.k8s.io", version="v1", kind="TokenRequest")
            elif subresource in ("log", "exec"):
                sub_entry["kind"] = "PodExecOptions" if subresource == "exec" else "Pod"
            resources.append(sub_entry)
    group_version = f"{group}/{version}" if group else version
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": resources,
    }
