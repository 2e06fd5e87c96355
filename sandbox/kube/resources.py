"""The resource types the emulator serves: the Kubernetes 1.32 built-ins plus whatever CRDs define.

Built-in names, scopes, short names and categories are written out here because the OpenAPI definitions that
kubernetes-validate ships carry kinds but not the REST names a discovery document needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STANDARD_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
CREATE_ONLY_VERBS = ("create",)


@dataclass(frozen=True)
class ResourceType:
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    verbs: tuple[str, ...] = STANDARD_VERBS
    subresources: tuple[str, ...] = ()
    # For custom resources: the CRD version's openAPIV3Schema and printer columns.
    crd_schema: dict | None = field(default=None, compare=False)
    printer_columns: tuple = field(default=(), compare=False)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_resource(self) -> tuple[str, str]:
        return (self.group, self.plural)

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def is_custom(self) -> bool:
        return self.crd_schema is not None


def _types(group: str, version: str, rows: str) -> list[ResourceType]:
    """Parse rows of `Kind plural scope shortnames categories subresources verbs` (`-` for none)."""
    types = []
    for line in rows.strip().splitlines():
        kind, plural, scope, shorts, categories, subresources, verbs = line.split()
        types.append(
            ResourceType(
                group=group,
                version=version,
                kind=kind,
                plural=plural,
                namespaced=scope == "ns",
                short_names=tuple(shorts.split(",")) if shorts != "-" else (),
                categories=tuple(categories.split(",")) if categories != "-" else (),
                subresources=tuple(subresources.split(",")) if subresources != "-" else (),
                verbs=STANDARD_VERBS if verbs == "all" else tuple(verbs.split(",")),
            )
        )
    return types


BUILTIN_TYPES: list[ResourceType] = [
    *_types(
        "",
        "v1",
        """
Binding bindings ns - - - create
ComponentStatus componentstatuses cluster cs - - get,list
ConfigMap configmaps ns cm - - all
Endpoints endpoints ns ep - - all
Event events ns ev - - all
LimitRange limitranges ns limits - - all
Namespace namespaces cluster ns - status,finalize create,delete,get,list,patch,update,watch
Node nodes cluster no - status all
PersistentVolumeClaim persistentvolumeclaims ns pvc - status all
PersistentVolume persistentvolumes cluster pv - status all
Pod pods ns po all status,log,exec,eviction all
PodTemplate podtemplates ns - - - all
ReplicationController replicationcontrollers ns rc all status,scale all
ResourceQuota resourcequotas ns quota - status all
Secret secrets ns - - - all
ServiceAccount serviceaccounts ns sa - token all
Service services ns svc all status create,delete,deletecollection,get,list,patch,update,watch
""",
    ),
    *_types(
        "apps",
        "v1",
        """
ControllerRevision controllerrevisions ns - - - all
DaemonSet daemonsets ns ds all status all
Deployment deployments ns deploy all status,scale all
ReplicaSet replicasets ns rs all status,scale all
StatefulSet statefulsets ns sts all status,scale all
""",
    ),
    *_types("autoscaling", "v2", "HorizontalPodAutoscaler horizontalpodautoscalers ns hpa all status all"),
    *_types("autoscaling", "v1", "HorizontalPodAutoscaler horizontalpodautoscalers ns hpa all status all"),
    *_types(
        "batch",
        "v1",
        """
CronJob cronjobs ns cj all status all
Job jobs ns - all status all
""",
    ),
    *_types(
        "certificates.k8s.io",
        "v1",
        "CertificateSigningRequest certificatesigningrequests cluster csr - status all",
    ),
    *_types("coordination.k8s.io", "v1", "Lease leases ns - - - all"),
    *_types("discovery.k8s.io", "v1", "EndpointSlice endpointslices ns - - - all"),
    *_types("events.k8s.io", "v1", "Event events ns ev - - all"),
    *_types(
        "networking.k8s.io",
        "v1",
        """
IngressClass ingressclasses cluster - - - all
Ingress ingresses ns ing - status all
NetworkPolicy networkpolicies ns netpol - - all
""",
    ),
    *_types("node.k8s.io", "v1", "RuntimeClass runtimeclasses cluster - - - all"),
    *_types("policy", "v1", "PodDisruptionBudget poddisruptionbudgets ns pdb - status all"),
    *_types(
        "rbac.authorization.k8s.io",
        "v1",
        """
ClusterRoleBinding clusterrolebindings cluster - - - all
ClusterRole clusterroles cluster - - - all
RoleBinding rolebindings ns - - - all
Role roles ns - - - all
""",
    ),
    *_types("scheduling.k8s.io", "v1", "PriorityClass priorityclasses cluster pc - - all"),
    *_types(
        "storage.k8s.io",
        "v1",
        """
CSIDriver csidrivers cluster - - - all
CSINode csinodes cluster - - - all
CSIStorageCapacity csistoragecapacities ns - - - all
StorageClass storageclasses cluster sc - - all
VolumeAttachment volumeattachments cluster - - status all
""",
    ),
    *_types(
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition customresourcedefinitions cluster crd,crds api-extensions status all",
    ),
    *_types("apiregistration.k8s.io", "v1", "APIService apiservices cluster - api-extensions status all"),
    *_types(
        "admissionregistration.k8s.io",
        "v1",
        """
MutatingWebhookConfiguration mutatingwebhookconfigurations cluster - api-extensions - all
ValidatingAdmissionPolicy validatingadmissionpolicies cluster - api-extensions status all
ValidatingAdmissionPolicyBinding validatingadmissionpolicybindings cluster - api-extensions - all
ValidatingWebhookConfiguration validatingwebhookconfigurations cluster - api-extensions - all
""",
    ),
    *_types(
        "flowcontrol.apiserver.k8s.io",
        "v1",
        """
FlowSchema flowschemas cluster - - status all
PriorityLevelConfiguration prioritylevelconfigurations cluster - - status all
""",
    ),
    *_types(
        "authentication.k8s.io",
        "v1",
        """
SelfSubjectReview selfsubjectreviews cluster - - - create
TokenReview tokenreviews cluster - - - create
""",
    ),
    *_types(
        "authorization.k8s.io",
        "v1",
        """
LocalSubjectAccessReview localsubjectaccessreviews ns - - - create
SelfSubjectAccessReview selfsubjectaccessreviews cluster - - - create
SelfSubjectRulesReview selfsubjectrulesreviews cluster - - - create
SubjectAccessReview subjectaccessreviews cluster - - - create
""",
    ),
]

# Where a group serves more than one version, the first listed here is the preferred (storage) one.
BUILTIN_GROUP_ORDER = [
    "",
    "apiregistration.k8s.io",
    "apps",
    "events.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
    "flowcontrol.apiserver.k8s.io",
]

# Kinds that are requests (reviews), answered in place and never stored.
VIRTUAL_KINDS = {
    "Binding",
    "SelfSubjectReview",
    "TokenReview",
    "LocalSubjectAccessReview",
    "SelfSubjectAccessReview",
    "SelfSubjectRulesReview",
    "SubjectAccessReview",
}


class TypeRegistry:
    """Every served type, keyed by (group, version, plural); CRDs add and remove theirs at run time."""

    def __init__(self) -> None:
        self._types: dict[tuple[str, str, str], ResourceType] = {}
        self._group_versions: dict[str, list[str]] = {}
        self.generation = 0  # bumped on every change, so cached discovery and OpenAPI can tell
        for resource_type in BUILTIN_TYPES:
            self.add(resource_type)

    def add(self, resource_type: ResourceType) -> None:
        key = (resource_type.group, resource_type.version, resource_type.plural)
        self._types[key] = resource_type
        self.generation += 1
        versions = self._group_versions.setdefault(resource_type.group, [])
        if resource_type.version not in versions:
            versions.append(resource_type.version)

    def remove_group_resource(self, group: str, plural: str) -> None:
        for key in [key for key in self._types if key[0] == group and key[2] == plural]:
            del self._types[key]
            self.generation += 1
        remaining = {key[1] for key in self._types if key[0] == group}
        if remaining:
            self._group_versions[group] = [v for v in self._group_versions[group] if v in remaining]
        else:
            self._group_versions.pop(group, None)

    def lookup(self, group: str, version: str, plural: str) -> ResourceType | None:
        return self._types.get((group, version, plural))

    def by_kind(self, api_version: str, kind: str) -> ResourceType | None:
        group, _, version = api_version.rpartition("/")
        for resource_type in self._types.values():
            if (resource_type.group, resource_type.version, resource_type.kind) == (group, version, kind):
                return resource_type
        return None

    def preferred(self, group: str, plural: str) -> ResourceType | None:
        for version in self._group_versions.get(group, []):
            found = self._types.get((group, version, plural))
            if found:
                return found
        return None

    def groups(self) -> list[str]:
        custom = sorted(group for group in self._group_versions if group not in BUILTIN_GROUP_ORDER)
        return [group for group in BUILTIN_GROUP_ORDER if group in self._group_versions] + custom

    def versions(self, group: str) -> list[str]:
        return list(self._group_versions.get(group, []))

    def in_group_version(self, group: str, version: str) -> list[ResourceType]:
        return sorted(
            (t for t in self._types.values() if t.group == group and t.version == version),
            key=lambda t: t.plural,
        )

    def all_types(self) -> list[ResourceType]:
        return list(self._types.values())
