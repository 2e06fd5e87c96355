"""The API semantics, independent of HTTP: create, read, update, patch and delete with the metadata rules,
preconditions, defaulting, validation, dry runs and deletion lifecycle of kube-apiserver.
"""

from __future__ import annotations

import copy
import datetime
import ipaddress
import itertools
import uuid
from dataclasses import dataclass, field

from sandbox.kube import apply as server_side_apply
from sandbox.kube import defaults, disruption, patching, schemas, validation
from sandbox.kube.errors import ApiError, already_exists, conflict, invalid, not_found
from sandbox.kube.resources import VIRTUAL_KINDS, ResourceType, TypeRegistry
from sandbox.kube.selectors import label_selector_from_object, object_matcher
from sandbox.kube.storage import Store

PATCH_JSON = "application/json-patch+json"
PATCH_MERGE = "application/merge-patch+json"
PATCH_STRATEGIC = "application/strategic-merge-patch+json"
PATCH_APPLY = "application/apply-patch+yaml"

SERVICE_CIDR = ipaddress.ip_network("172.20.0.0/16")  # EKS's default service range
NODE_PORTS = range(30000, 32768)

# Fields a client may never change after creation (path from the object root).
IMMUTABLE_FIELDS = {
    ("apps", "Deployment"): [("spec", "selector")],
    ("apps", "StatefulSet"): [
        ("spec", "selector"),
        ("spec", "serviceName"),
        ("spec", "volumeClaimTemplates"),
    ],
    ("apps", "DaemonSet"): [("spec", "selector")],
    ("apps", "ReplicaSet"): [("spec", "selector")],
    ("batch", "Job"): [("spec", "selector"), ("spec", "template"), ("spec", "completions")],
    ("", "Service"): [("spec", "clusterIP")],
    ("", "PersistentVolumeClaim"): [
        ("spec", "storageClassName"),
        ("spec", "accessModes"),
        ("spec", "volumeName"),
    ],
    ("", "Secret"): [("type",)],
    ("storage.k8s.io", "StorageClass"): [("provisioner",), ("parameters",), ("reclaimPolicy",)],
    ("rbac.authorization.k8s.io", "RoleBinding"): [("roleRef",)],
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): [("roleRef",)],
}

CRD_CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io"

# Metadata only the server sets; writes cannot change it.
SYSTEM_METADATA = ("uid", "creationTimestamp", "generation", "resourceVersion", "deletionTimestamp")


def now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class WriteOptions:
    dry_run: bool = False
    field_manager: str | None = None
    field_validation: str = "Warn"  # the server's default when a client says nothing
    force: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass
class DeleteOptions:
    dry_run: bool = False
    propagation_policy: str | None = None
    precondition_uid: str | None = None
    precondition_resource_version: str | None = None
    grace_period_seconds: int | None = None


def _has_status_subresource(resource_type: ResourceType) -> bool:
    return "status" in resource_type.subresources


def _tracks_generation(resource_type: ResourceType) -> bool:
    return resource_type.group != "" or resource_type.is_custom


def _content(obj: dict) -> dict:
    """What bumps metadata.generation: everything except metadata and status."""
    return {
        key: value for key, value in obj.items() if key not in ("metadata", "status", "apiVersion", "kind")
    }


def _without_volatile(obj: dict) -> dict:
    """What makes a write a change: everything but the resourceVersion and managedFields timestamps (a
    manager newly sharing fields is a change; the same managers re-stating them is not)."""
    metadata = {k: v for k, v in obj.get("metadata", {}).items() if k != "resourceVersion"}
    if "managedFields" in metadata:
        metadata["managedFields"] = [
            {k: v for k, v in entry.items() if k != "time"} for entry in metadata["managedFields"]
        ]
    return {**obj, "metadata": metadata}


def _get_path(obj: dict, path: tuple[str, ...]) -> object:
    value: object = obj
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


class Cluster:
    def __init__(self, store: Store, registry: TypeRegistry) -> None:
        self.store = store
        self.registry = registry
        self._ip_counter = itertools.count(10)
        self._port_counter = itertools.count(NODE_PORTS.start)

    # --- helpers
    def _allocate_cluster_ip(self) -> str:
        used = {(svc.get("spec") or {}).get("clusterIP") for svc in self.store.list(("", "services"))}
        while True:
            candidate = str(SERVICE_CIDR.network_address + next(self._ip_counter))
            if candidate not in used:
                return candidate

    def _allocate_node_port(self) -> int:
        used = {
            port.get("nodePort")
            for svc in self.store.list(("", "services"))
            for port in (svc.get("spec") or {}).get("ports") or []
        }
        while True:
            candidate = next(self._port_counter)
            if candidate not in used:
                return candidate

    def _require_namespace(self, resource_type: ResourceType, namespace: str, *, creating: bool) -> None:
        if not resource_type.namespaced:
            return
        ns = self.store.get(("", "namespaces"), "", namespace)
        if ns is None:
            raise ApiError(
                404, f'namespaces "{namespace}" not found', details={"name": namespace, "kind": "namespaces"}
            )
        if creating and ns["metadata"].get("deletionTimestamp"):
            raise ApiError(
                403,
                f'{resource_type.plural} "..." is forbidden: unable to create new content in namespace '
                f"{namespace} because it is being terminated",
                reason="Forbidden",
                details={
                    "name": namespace,
                    "kind": "namespaces",
                    "causes": [
                        {
                            "reason": "NamespaceTerminating",
                            "message": f"namespace {namespace} is being terminated",
                            "field": "metadata.namespace",
                        }
                    ],
                },
            )

    def get(self, resource_type: ResourceType, namespace: str, name: str) -> dict:
        obj = self.store.get(
            resource_type.group_resource, namespace if resource_type.namespaced else "", name
        )
        if obj is None:
            raise not_found(resource_type.group, resource_type.plural, name)
        return self._present(resource_type, obj)

    def _present(self, resource_type: ResourceType, obj: dict) -> dict:
        """The object as seen through the requested version (all versions share one stored form)."""
        if obj.get("apiVersion") == resource_type.api_version:
            return obj
        return {**obj, "apiVersion": resource_type.api_version}

    def list(
        self,
        resource_type: ResourceType,
        namespace: str | None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        at_revision: int | None = None,
    ) -> list[dict]:
        """The matching objects now, or as they were at `at_revision` (a paged list's snapshot)."""
        matches = object_matcher(label_selector, field_selector)
        ns = namespace if resource_type.namespaced else None
        objects = (
            self.store.list(resource_type.group_resource, ns)
            if at_revision is None
            else self.store.list_at(resource_type.group_resource, ns, at_revision)
        )
        return [self._present(resource_type, obj) for obj in objects if matches(obj)]

    # --- writes
    def create(self, resource_type: ResourceType, namespace: str, body: dict, options: WriteOptions) -> dict:
        if resource_type.kind in VIRTUAL_KINDS:
            return self._review(resource_type, body)
        self._check_body(resource_type, body)
        if resource_type.is_custom:
            crd = self.store.get(
                ("apiextensions.k8s.io", "customresourcedefinitions"),
                "",
                f"{resource_type.plural}.{resource_type.group}",
            )
            if crd is not None and crd["metadata"].get("deletionTimestamp"):
                raise ApiError(405, "create not allowed while custom resource definition is terminating")
        obj = copy.deepcopy(body)
        metadata = obj.setdefault("metadata", {})
        if resource_type.namespaced:
            body_namespace = metadata.get("namespace")
            if body_namespace and body_namespace != namespace:
                raise ApiError(
                    400,
                    "the namespace of the provided object does not match the namespace sent on the request",
                )
            metadata["namespace"] = namespace
            self._require_namespace(resource_type, namespace, creating=True)
        else:
            metadata.pop("namespace", None)
        if not metadata.get("name"):
            if metadata.get("generateName"):
                metadata["name"] = metadata["generateName"] + uuid.uuid4().hex[:5]
            else:
                raise invalid(
                    resource_type.kind,
                    resource_type.group,
                    "",
                    [("FieldValueRequired", "metadata.name", "name or generateName is required")],
                )
        name = metadata["name"]
        if self.store.get(resource_type.group_resource, metadata.get("namespace", ""), name) is not None:
            raise already_exists(resource_type.group, resource_type.plural, name)
        if metadata.get("resourceVersion"):
            raise ApiError(400, "resourceVersion should not be set on objects to be created")
        for key in ("uid", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"):
            metadata.pop(key, None)
        metadata["uid"] = str(uuid.uuid4())
        metadata["creationTimestamp"] = now()
        registering_node = (resource_type.group, resource_type.kind) == ("", "Node")
        if _has_status_subresource(resource_type) and not registering_node:
            # PrepareForCreate: status is the controllers' to write, through /status (a kubelet registering
            # its Node is the exception: it creates the Node with its status).
            obj.pop("status", None)
        if _tracks_generation(resource_type):
            metadata["generation"] = 1
        if (resource_type.group, resource_type.kind) == ("", "Pod"):
            self._admit_priority(obj)
        obj = self._admit(resource_type, None, obj, options)
        server_side_apply.record_update(
            None, obj, options.field_manager or "unknown", "Update", "", self._schema(resource_type)
        )
        return self._commit(resource_type, None, obj, options)

    def update(
        self,
        resource_type: ResourceType,
        namespace: str,
        name: str,
        body: dict,
        options: WriteOptions,
        subresource: str = "",
    ) -> dict:
        """PUT: replace an existing object."""
        self._check_body(resource_type, body)
        ns = namespace if resource_type.namespaced else ""
        existing = self.store.get(resource_type.group_resource, ns, name)
        body_name = (body.get("metadata") or {}).get("name")
        if body_name and body_name != name:
            raise ApiError(
                400, f"the name of the object ({body_name}) does not match the name on the URL ({name})"
            )
        if existing is None:
            # As upstream for all kinds we serve: PUT replaces, it never creates.
            raise not_found(resource_type.group, resource_type.plural, name)
        wanted_version = (body.get("metadata") or {}).get("resourceVersion")
        if wanted_version and wanted_version != existing["metadata"]["resourceVersion"]:
            raise conflict(resource_type.group, resource_type.plural, name)
        return self._replace(resource_type, existing, copy.deepcopy(body), options, subresource, "Update")

    def patch(
        self,
        resource_type: ResourceType,
        namespace: str,
        name: str,
        patch_type: str,
        patch_body: object,
        options: WriteOptions,
        subresource: str = "",
    ) -> tuple[dict, bool]:
        ns = namespace if resource_type.namespaced else ""
        existing = self.store.get(resource_type.group_resource, ns, name)
        if patch_type == PATCH_APPLY:
            if not options.field_manager:
                raise ApiError(
                    422,
                    'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required '
                    "for apply patch",
                )
            if not isinstance(patch_body, dict):
                raise ApiError(400, "apply patch must be an object")
            if existing is None:
                if subresource:
                    raise not_found(resource_type.group, resource_type.plural, name)
                body = copy.deepcopy(patch_body)
                body.setdefault("metadata", {})["name"] = name
                obj = self.create(resource_type, namespace, body, options)
                return self._reassign_create_to_apply(resource_type, obj, patch_body, options), True
            merged = server_side_apply.apply(
                existing,
                patch_body,
                options.field_manager,
                force=options.force,
                schema=self._schema(resource_type),
                subresource=subresource,
                default=lambda merged: self._defaulted(resource_type, existing, merged),
            )
            return self._replace(resource_type, existing, merged, options, subresource, None), False
        if existing is None:
            raise not_found(resource_type.group, resource_type.plural, name)
        current = self._present(resource_type, existing)
        if patch_type == PATCH_JSON:
            patched = patching.json_patch(current, patch_body)
        elif patch_type == PATCH_MERGE:
            patched = patching.merge_patch(current, patch_body)
        elif patch_type == PATCH_STRATEGIC:
            if resource_type.is_custom:
                raise ApiError(
                    415,
                    "the body of the request was in an unknown format - accepted media types include: "
                    "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
                )
            patched = patching.strategic_merge_patch(current, patch_body, self._schema(resource_type))
        else:
            raise ApiError(415, f"the media type {patch_type!r} is not supported for PATCH")
        if not isinstance(patched, dict):
            raise ApiError(422, "the patched object is not a JSON object")
        wanted_version = (patched.get("metadata") or {}).get("resourceVersion")
        if wanted_version and wanted_version != existing["metadata"]["resourceVersion"]:
            raise conflict(resource_type.group, resource_type.plural, name)
        return self._replace(resource_type, existing, patched, options, subresource, "Update"), False

    def _reassign_create_to_apply(
        self, resource_type: ResourceType, obj: dict, applied: dict, options: WriteOptions
    ) -> dict:
        if options.dry_run:
            return obj
        stored = copy.deepcopy(
            self.store.get(
                resource_type.group_resource, obj["metadata"].get("namespace", ""), obj["metadata"]["name"]
            )
        )
        server_side_apply.set_applied(stored, applied, options.field_manager, self._schema(resource_type))
        self.store.put(resource_type.group_resource, stored)
        return self._present(resource_type, stored)

    def _defaulted(self, resource_type: ResourceType, old: dict, obj: dict) -> dict:
        """obj with the defaults a write of it would get (nothing allocated: allocations carry over)."""
        defaults.carry_over_allocations(resource_type, old, obj)
        defaults.apply_defaults(
            resource_type,
            obj,
            allocate_cluster_ip=lambda: "",
            allocate_node_port=lambda: 0,
        )
        if resource_type.is_custom:
            validation.apply_schema_defaults(obj, resource_type.crd_schema)
        return obj

    def _admit_priority(self, pod: dict) -> None:
        """The Priority admission plugin: spec.priority from the pod's PriorityClass (403 if unknown)."""
        spec = pod.get("spec")
        if not isinstance(spec, dict):
            return
        name = spec.get("priorityClassName")
        if not name:
            return
        priority_class = self.store.get(("scheduling.k8s.io", "priorityclasses"), "", name)
        if priority_class is None:
            raise ApiError(
                403,
                f'pods "{pod["metadata"].get("name", "")}" is forbidden: no PriorityClass with name '
                f"{name} was found",
                reason="Forbidden",
            )
        spec["priority"] = priority_class.get("value", 0)
        spec.setdefault("preemptionPolicy", priority_class.get("preemptionPolicy", "PreemptLowerPriority"))

    def _schema(self, resource_type: ResourceType) -> dict | None:
        if resource_type.is_custom:
            return resource_type.crd_schema
        return schemas.schema_for(resource_type.group, resource_type.version, resource_type.kind)

    def _check_body(self, resource_type: ResourceType, body: object) -> None:
        if not isinstance(body, dict):
            raise ApiError(400, "the request body must be a JSON object")
        api_version, kind = body.get("apiVersion"), body.get("kind")
        if kind and kind != resource_type.kind:
            raise ApiError(
                400,
                f'{kind} in version "{resource_type.version}" cannot be handled as a {resource_type.kind}: '
                f"the kind {kind!r} does not match the resource {resource_type.plural!r}",
            )
        if api_version and api_version != resource_type.api_version:
            group = api_version.rpartition("/")[0]
            if group != resource_type.group:
                raise ApiError(
                    400,
                    f"the API version in the data ({api_version}) does not match the expected "
                    f"API version ({resource_type.api_version})",
                )

    def _replace(
        self,
        resource_type: ResourceType,
        existing: dict,
        obj: dict,
        options: WriteOptions,
        subresource: str,
        operation: str | None,
    ) -> dict:
        old = existing
        obj["apiVersion"], obj["kind"] = resource_type.api_version, resource_type.kind
        metadata = obj.setdefault("metadata", {})
        old_metadata = old["metadata"]
        if subresource == "status":
            # Writes to /status change status only; metadata and spec come from the stored object.
            obj = {**copy.deepcopy(old), "status": obj.get("status")}
            if obj["status"] is None:
                obj.pop("status")
            metadata = obj["metadata"]
        elif _has_status_subresource(resource_type) and resource_type.kind != "Namespace":
            if "status" in old:
                obj["status"] = copy.deepcopy(old["status"])
            else:
                obj.pop("status", None)
        for key in (*SYSTEM_METADATA, "namespace", "name"):
            if key in old_metadata:
                metadata[key] = old_metadata[key]
            else:
                metadata.pop(key, None)
        metadata.setdefault("managedFields", old_metadata.get("managedFields", []))
        if old_metadata.get("deletionTimestamp"):
            metadata["deletionGracePeriodSeconds"] = old_metadata.get("deletionGracePeriodSeconds", 0)
            added = set(metadata.get("finalizers") or []) - set(old_metadata.get("finalizers") or [])
            if added:
                raise invalid(
                    resource_type.kind,
                    resource_type.group,
                    metadata["name"],
                    [
                        (
                            "FieldValueForbidden",
                            "metadata.finalizers",
                            "Forbidden: no new finalizers can be added if the object is being deleted, "
                            f"found new finalizers {sorted(added)!r}",
                        )
                    ],
                )
        defaults.carry_over_allocations(resource_type, old, obj)
        obj = self._admit(resource_type, old, obj, options)
        if _tracks_generation(resource_type) and _content(obj) != _content(old):
            metadata = obj["metadata"]
            metadata["generation"] = old_metadata.get("generation", 1) + 1
        if operation:
            server_side_apply.record_update(
                old,
                obj,
                options.field_manager or "unknown",
                operation,
                subresource,
                self._schema(resource_type),
            )
        if _without_volatile(obj) == _without_volatile(old):
            return self._present(resource_type, old)  # a no-op write keeps the resourceVersion, as upstream
        return self._commit(resource_type, old, obj, options)

    def _admit(self, resource_type: ResourceType, old: dict | None, obj: dict, options: WriteOptions) -> dict:
        """Default, prune and validate obj (a private copy); raise the error a real server would."""
        obj["apiVersion"], obj["kind"] = resource_type.api_version, resource_type.kind
        if old is None and resource_type.kind == "Namespace":
            obj.pop("status", None)
        defaults.apply_defaults(
            resource_type,
            obj,
            allocate_cluster_ip=self._allocate_cluster_ip,
            allocate_node_port=self._allocate_node_port,
        )
        validation.check_base64_fields(resource_type, obj)
        strict = options.field_validation == "Strict"
        name = obj["metadata"].get("name", "")
        if resource_type.is_custom:
            obj, unknown = validation.validate_custom(resource_type, obj, strict=strict)
        else:
            schema = self._schema(resource_type)
            unknown = []
            if schema:
                obj, unknown, type_errors = validation.check_types_and_prune(obj, schema, strict=strict)
                if type_errors:
                    raise ApiError(
                        400,
                        f'{resource_type.kind} in version "{resource_type.version}" cannot be handled as a '
                        f"{resource_type.kind}: {'; '.join(type_errors)}",
                    )
                if strict and unknown:
                    raise ApiError(
                        400,
                        f'{resource_type.kind} in version "{resource_type.version}" cannot be handled as a '
                        f"{resource_type.kind}: strict decoding error: "
                        + ", ".join(f'unknown field "{path}"' for path in unknown),
                    )
        if options.field_validation == "Warn":
            options.warnings += [f'unknown field "{path}"' for path in unknown]
        causes = validation.validate_metadata(resource_type, obj)
        if not resource_type.is_custom:
            causes += [
                cause
                for cause in validation.required_field_errors(_content(obj), self._schema(resource_type))
                if not cause[1].startswith("status")
            ]
        causes += self._semantic_errors(resource_type, obj)
        if not resource_type.is_custom:
            causes += validation.semantic_errors(resource_type, obj)
        if old is not None:
            causes += self._immutable_errors(resource_type, old, obj)
        if causes:
            raise invalid(resource_type.kind, resource_type.group, name, causes)
        return obj

    def _semantic_errors(self, resource_type: ResourceType, obj: dict) -> list[tuple[str, str, str]]:
        causes = []
        spec = obj.get("spec") or {}
        if resource_type.group == "apps" and resource_type.kind in ("Deployment", "StatefulSet", "DaemonSet"):
            selector = spec.get("selector")
            template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
            if not selector:
                causes.append(("FieldValueRequired", "spec.selector", "Required value"))
            elif not label_selector_from_object(selector)(template_labels):
                causes.append(
                    (
                        "FieldValueInvalid",
                        "spec.template.metadata.labels",
                        f"Invalid value: {template_labels}: `selector` does not match template `labels`",
                    )
                )
        for kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Pod"):
            if resource_type.kind == kind:
                pod_spec = spec if kind == "Pod" else ((spec.get("template") or {}).get("spec") or {})
                prefix = "spec" if kind == "Pod" else "spec.template.spec"
                if not pod_spec.get("containers"):
                    causes.append(("FieldValueRequired", f"{prefix}.containers", "Required value"))
                for index, container in enumerate(pod_spec.get("containers") or []):
                    if not container.get("image"):
                        causes.append(
                            ("FieldValueRequired", f"{prefix}.containers[{index}].image", "Required value")
                        )
        if resource_type.kind == "Service" and resource_type.group == "":
            if (
                spec.get("type") != "ExternalName"
                and spec.get("clusterIP") != "None"
                and not spec.get("ports")
            ):
                causes.append(("FieldValueRequired", "spec.ports", "Required value"))
            for index, port in enumerate(spec.get("ports") or []):
                number = port.get("port")
                if not isinstance(number, int) or not 1 <= number <= 65535:
                    causes.append(
                        (
                            "FieldValueInvalid",
                            f"spec.ports[{index}].port",
                            f"Invalid value: {number}: must be between 1 and 65535, inclusive",
                        )
                    )
        if resource_type.kind in ("Secret", "ConfigMap") and resource_type.group == "":
            for field_name in ("data", "binaryData"):
                for key in obj.get(field_name) or {}:
                    if not validation.CONFIG_KEY.match(key):
                        causes.append(
                            (
                                "FieldValueInvalid",
                                field_name,
                                f'Invalid value: "{key}": {validation.CONFIG_KEY_MESSAGE}',
                            )
                        )
        return causes

    def _immutable_errors(
        self, resource_type: ResourceType, old: dict, obj: dict
    ) -> list[tuple[str, str, str]]:
        causes = []
        for path in IMMUTABLE_FIELDS.get((resource_type.group, resource_type.kind), []):
            before, after = _get_path(old, path), _get_path(obj, path)
            if before is not None and after != before:
                causes.append(
                    ("FieldValueInvalid", ".".join(path), f"Invalid value: {after!r}: field is immutable")
                )
        if (
            resource_type.kind in ("Secret", "ConfigMap")
            and resource_type.group == ""
            and old.get("immutable")
        ):
            for key in ("data", "binaryData", "immutable"):
                if old.get(key) != obj.get(key):
                    causes.append(
                        ("FieldValueForbidden", key, "Forbidden: field is immutable when `immutable` is set")
                    )
        crd = resource_type.kind == "CustomResourceDefinition"
        if crd and (old.get("spec") or {}).get("scope") != (obj.get("spec") or {}).get("scope"):
            causes.append(("FieldValueInvalid", "spec.scope", "Invalid value: field is immutable"))
        return causes

    def _commit(
        self, resource_type: ResourceType, old: dict | None, obj: dict, options: WriteOptions
    ) -> dict:
        if options.dry_run:
            if old is not None:
                obj["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]
            return self._present(resource_type, obj)
        obj["metadata"]["resourceVersion"] = str(self.store.next_revision())
        metadata = obj["metadata"]
        if (
            metadata.get("deletionTimestamp")
            and not metadata.get("finalizers")
            and not (resource_type.kind == "Namespace" and (obj.get("spec") or {}).get("finalizers"))
        ):
            self.store.remove(resource_type.group_resource, obj)
            return self._present(resource_type, obj)
        self.store.put(resource_type.group_resource, obj)
        if resource_type.kind == "CustomResourceDefinition":
            self.sync_crd(obj)
        return self._present(resource_type, obj)

    # --- deletes
    def delete(self, resource_type: ResourceType, namespace: str, name: str, options: DeleteOptions) -> dict:
        ns = namespace if resource_type.namespaced else ""
        existing = self.store.get(resource_type.group_resource, ns, name)
        if existing is None:
            raise not_found(resource_type.group, resource_type.plural, name)
        metadata = existing["metadata"]
        if options.precondition_uid and options.precondition_uid != metadata.get("uid"):
            raise ApiError(
                409,
                f"Precondition failed: UID in precondition: {options.precondition_uid}, UID in object meta: "
                f"{metadata.get('uid')}",
            )
        wanted_version, stored_version = (
            options.precondition_resource_version,
            metadata.get("resourceVersion"),
        )
        if wanted_version and wanted_version != stored_version:
            raise ApiError(
                409,
                f"Precondition failed: ResourceVersion in precondition: {wanted_version}, "
                f"ResourceVersion in object meta: {stored_version}",
            )
        obj = copy.deepcopy(existing)
        finalizers = list(obj["metadata"].get("finalizers") or [])
        policy = options.propagation_policy
        if policy == "Orphan" and "orphan" not in finalizers:
            finalizers.append("orphan")
        elif policy == "Foreground" and "foregroundDeletion" not in finalizers and self._has_dependents(obj):
            finalizers.append("foregroundDeletion")
        namespace_pending = resource_type.kind == "Namespace" and resource_type.group == ""
        if resource_type.kind == "CustomResourceDefinition" and CRD_CLEANUP_FINALIZER not in finalizers:
            # The apiextensions server keeps the CRD (Terminating) until its objects are gone.
            finalizers.append(CRD_CLEANUP_FINALIZER)
            terminating = {
                "type": "Terminating",
                "status": "True",
                "reason": "InstanceDeletionPending",
                "message": "CustomResourceDefinition marked for deletion; CustomResource deletion will begin "
                "soon",
                "lastTransitionTime": now(),
            }
            status = obj.setdefault("status", {})
            status["conditions"] = [
                c for c in status.get("conditions") or [] if c.get("type") != "Terminating"
            ] + [terminating]
        if finalizers or namespace_pending:
            if not obj["metadata"].get("deletionTimestamp"):
                obj["metadata"]["deletionTimestamp"] = now()
                obj["metadata"]["deletionGracePeriodSeconds"] = 0
            if finalizers:
                obj["metadata"]["finalizers"] = finalizers
            if namespace_pending:
                obj.setdefault("status", {})["phase"] = "Terminating"
            if _without_volatile(obj) == _without_volatile(existing) or options.dry_run:
                return self._present(resource_type, obj)
            obj["metadata"]["resourceVersion"] = str(self.store.next_revision())
            self.store.put(resource_type.group_resource, obj)
            return self._present(resource_type, obj)
        if options.dry_run:
            return self._present(resource_type, existing)
        gone = self.store.remove(resource_type.group_resource, existing)
        if resource_type.kind == "CustomResourceDefinition":
            self.sync_crd(existing, deleted=True)
        return self._present(resource_type, gone)

    def _has_dependents(self, owner: dict) -> bool:
        uid = owner["metadata"].get("uid")
        return any(
            ref.get("uid") == uid
            for group_resource in self.store.group_resources()
            for obj in self.store.list(group_resource)
            for ref in obj["metadata"].get("ownerReferences") or []
        )

    def delete_collection(
        self,
        resource_type: ResourceType,
        namespace: str | None,
        label_selector: str | None,
        field_selector: str | None,
        options: DeleteOptions,
    ) -> list[dict]:
        deleted = []
        for obj in self.list(resource_type, namespace, label_selector, field_selector):
            deleted.append(
                self.delete(
                    resource_type, obj["metadata"].get("namespace", ""), obj["metadata"]["name"], options
                )
            )
        return deleted

    # --- eviction
    def evict(self, namespace: str, name: str, options: DeleteOptions) -> None:
        """POST pods/eviction: a delete that honours the PodDisruptionBudgets selecting the pod."""
        pods_type = self.registry.preferred("", "pods")
        pod = self.store.get(("", "pods"), namespace, name)
        if pod is None:
            raise not_found("", "pods", name)
        budgets = [
            pdb
            for pdb in self.store.list(("policy", "poddisruptionbudgets"), namespace)
            if disruption.matching_pods(pdb, [pod])
        ]
        if len(budgets) > 1:
            raise ApiError(
                500,
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not "
                "support.",
            )
        if budgets and not pod["metadata"].get("deletionTimestamp"):
            pdb = budgets[0]
            status = disruption.budget_status(pdb, self.store.list(("", "pods"), namespace))
            healthy = disruption.pod_is_healthy(pod)
            # An unhealthy pod may go while the budget is met (unhealthyPodEvictionPolicy IfHealthyBudget).
            allowed = (
                status["disruptionsAllowed"] > 0
                if healthy
                else status["currentHealthy"] >= status["desiredHealthy"]
            )
            if not allowed:
                raise ApiError(
                    429,
                    "Cannot evict pod as it would violate the pod's disruption budget.",
                    reason="TooManyRequests",
                    details={
                        "causes": [
                            {
                                "reason": "DisruptionBudget",
                                "message": f"The disruption budget {pdb['metadata']['name']} needs "
                                f"{status['desiredHealthy']} healthy pods and has {status['currentHealthy']} "
                                "currently",
                            }
                        ]
                    },
                )
        assert pods_type is not None
        self.delete(pods_type, namespace, name, options)

    # --- CRDs
    def sync_crd(self, crd: dict, *, deleted: bool = False) -> None:
        """Serve (or stop serving) the custom resource a CRD defines, and report it Established."""
        spec = crd.get("spec") or {}
        names = spec.get("names") or {}
        group, plural = spec.get("group", ""), names.get("plural", "")
        self.registry.remove_group_resource(group, plural)
        if deleted:
            for obj in self.store.list((group, plural)):
                self.store.remove((group, plural), obj)
            return
        for version in sorted(
            (v for v in spec.get("versions") or [] if v.get("served", True)),
            key=lambda v: not v.get("storage", False),
        ):
            subresources = version.get("subresources") or {}
            self.registry.add(
                ResourceType(
                    group=group,
                    version=version["name"],
                    kind=names.get("kind", ""),
                    plural=plural,
                    namespaced=spec.get("scope", "Namespaced") == "Namespaced",
                    short_names=tuple(names.get("shortNames") or ()),
                    categories=tuple(names.get("categories") or ()),
                    subresources=tuple(s for s in ("status", "scale") if s in subresources),
                    crd_schema=(version.get("schema") or {}).get("openAPIV3Schema")
                    or {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                    printer_columns=tuple(version.get("additionalPrinterColumns") or ()),
                )
            )
        if crd["metadata"].get("deletionTimestamp"):
            return  # still served (objects can be read and their finalizers removed) until it is gone
        status = crd.get("status") or {}
        wanted_conditions = [
            {
                "type": "NamesAccepted",
                "status": "True",
                "reason": "NoConflicts",
                "message": "no conflicts found",
            },
            {
                "type": "Established",
                "status": "True",
                "reason": "InitialNamesAccepted",
                "message": "the initial names have been accepted",
            },
        ]
        if [(c.get("type"), c.get("status")) for c in status.get("conditions") or []] != [
            (c["type"], c["status"]) for c in wanted_conditions
        ] or status.get("acceptedNames") != names:
            timestamp = now()
            updated = copy.deepcopy(crd)
            updated["status"] = {
                "acceptedNames": names,
                "conditions": [{**c, "lastTransitionTime": timestamp} for c in wanted_conditions],
                "storedVersions": [v["name"] for v in spec.get("versions") or [] if v.get("storage")],
            }
            updated["metadata"]["resourceVersion"] = str(self.store.next_revision())
            self.store.put(("apiextensions.k8s.io", "customresourcedefinitions"), updated)

    def load_crds(self) -> None:
        for crd in self.store.list(("apiextensions.k8s.io", "customresourcedefinitions")):
            self.sync_crd(crd)

    # --- reviews (authorization questions are answered "yes": the emulator has no RBAC)
    def _review(self, resource_type: ResourceType, body: dict) -> dict:
        answer = copy.deepcopy(body) if isinstance(body, dict) else {}
        answer["apiVersion"], answer["kind"] = resource_type.api_version, resource_type.kind
        answer.setdefault("metadata", {})["creationTimestamp"] = None
        if resource_type.kind in (
            "SelfSubjectAccessReview",
            "SubjectAccessReview",
            "LocalSubjectAccessReview",
        ):
            answer["status"] = {"allowed": True, "reason": "the sandbox emulator has no RBAC"}
        elif resource_type.kind == "SelfSubjectRulesReview":
            answer["status"] = {
                "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
                "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
                "incomplete": False,
            }
        elif resource_type.kind in ("TokenReview", "SelfSubjectReview"):
            user = {"username": "kubernetes-admin", "groups": ["system:masters", "system:authenticated"]}
            answer["status"] = (
                {"authenticated": True, "user": user}
                if resource_type.kind == "TokenReview"
                else {"userInfo": user}
            )
        return answer
