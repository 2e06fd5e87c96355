"""Defaulting as kube-apiserver does it for the kinds our roles and charts create.

Fidelity matters here for idempotence: clients compare what they sent with what the server returns, and a
second apply must see exactly the defaults the first one got.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

from sandbox.kube.resources import ResourceType


def _container_defaults(container: dict) -> None:
    image = container.get("image", "")
    tag = image.rsplit("/", 1)[-1]
    if "imagePullPolicy" not in container and image:
        untagged = ":" not in tag and "@" not in tag
        container["imagePullPolicy"] = "Always" if untagged or tag.endswith(":latest") else "IfNotPresent"
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    container.setdefault("resources", {})
    for port in container.get("ports") or []:
        port.setdefault("protocol", "TCP")
    for probe_name in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(probe_name)
        if isinstance(probe, dict):
            probe.setdefault("timeoutSeconds", 1)
            probe.setdefault("periodSeconds", 10)
            probe.setdefault("successThreshold", 1)
            probe.setdefault("failureThreshold", 3)
            if isinstance(probe.get("httpGet"), dict):
                probe["httpGet"].setdefault("path", "/")
                probe["httpGet"].setdefault("scheme", "HTTP")
    for env in container.get("env") or []:
        source = env.get("valueFrom") or {}
        if isinstance(source.get("fieldRef"), dict):
            source["fieldRef"].setdefault("apiVersion", "v1")


def pod_spec_defaults(spec: dict) -> None:
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    if spec.get("serviceAccountName") and "serviceAccount" not in spec:
        spec["serviceAccount"] = spec["serviceAccountName"]
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        if isinstance(container, dict):
            _container_defaults(container)
    for volume in spec.get("volumes") or []:
        for source in ("secret", "configMap"):
            if isinstance(volume.get(source), dict):
                volume[source].setdefault("defaultMode", 420)
        if isinstance(volume.get("projected"), dict):
            volume["projected"].setdefault("defaultMode", 420)


def _template_defaults(spec: dict) -> None:
    template = spec.get("template")
    if isinstance(template, dict):
        template.setdefault("metadata", {})
        template.setdefault("spec", {})
        if "creationTimestamp" not in template["metadata"]:
            template["metadata"]["creationTimestamp"] = None
        pod_spec_defaults(template["spec"])


def _deployment(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    strategy = spec.setdefault("strategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxUnavailable", "25%")
        rolling.setdefault("maxSurge", "25%")
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    _template_defaults(spec)


def _statefulset(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    spec.setdefault("podManagementPolicy", "OrderedReady")
    strategy = spec.setdefault("updateStrategy", {"type": "RollingUpdate"})
    if strategy.get("type") == "RollingUpdate":
        strategy.setdefault("rollingUpdate", {"partition": 0})
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("persistentVolumeClaimRetentionPolicy", {"whenDeleted": "Retain", "whenScaled": "Retain"})
    _template_defaults(spec)
    for claim in spec.get("volumeClaimTemplates") or []:
        claim.setdefault("apiVersion", "v1")
        claim.setdefault("kind", "PersistentVolumeClaim")
        claim.setdefault("spec", {}).setdefault("volumeMode", "Filesystem")
        claim["spec"].setdefault("accessModes", ["ReadWriteOnce"])
        claim.setdefault("status", {"phase": "Pending"})


def _daemonset(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    strategy = spec.setdefault("updateStrategy", {"type": "RollingUpdate"})
    if strategy.get("type") == "RollingUpdate":
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxUnavailable", 1)
        rolling.setdefault("maxSurge", 0)
    spec.setdefault("revisionHistoryLimit", 10)
    _template_defaults(spec)


def _replicaset(obj: dict) -> None:
    obj.setdefault("spec", {}).setdefault("replicas", 1)
    _template_defaults(obj["spec"])


def _job(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("parallelism", 1)
    spec.setdefault("completions", 1)
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    spec.setdefault("podReplacementPolicy", "TerminatingOrFailed")
    spec.setdefault("manualSelector", False)
    uid = obj["metadata"].get("uid", "")
    name = obj["metadata"]["name"]
    selector_labels = {"batch.kubernetes.io/controller-uid": uid}
    spec.setdefault("selector", {"matchLabels": selector_labels})
    template = spec.setdefault("template", {})
    labels = template.setdefault("metadata", {}).setdefault("labels", {})
    labels.setdefault("batch.kubernetes.io/controller-uid", uid)
    labels.setdefault("batch.kubernetes.io/job-name", name)
    labels.setdefault("controller-uid", uid)
    labels.setdefault("job-name", name)
    _template_defaults(spec)


def _cronjob(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("concurrencyPolicy", "Allow")
    spec.setdefault("suspend", False)
    spec.setdefault("successfulJobsHistoryLimit", 3)
    spec.setdefault("failedJobsHistoryLimit", 1)
    job_spec = spec.setdefault("jobTemplate", {}).setdefault("spec", {})
    job_spec.setdefault("backoffLimit", 6)
    _template_defaults(job_spec)


def qos_class(spec: dict) -> str:
    """The pod's QoS class from its containers' requests and limits."""
    containers = (spec.get("containers") or []) + (spec.get("initContainers") or [])
    resources = [c.get("resources") or {} for c in containers if isinstance(c, dict)]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    for r in resources:
        limits, requests = r.get("limits") or {}, r.get("requests") or {}
        for name in ("cpu", "memory"):
            if not limits.get(name) or requests.get(name, limits[name]) != limits[name]:
                return "Burstable"
    return "Guaranteed"


def _pod(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    pod_spec_defaults(spec)
    if not obj.get("status"):
        obj["status"] = {"phase": "Pending", "qosClass": qos_class(spec)}
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    spec.setdefault("priority", 0)
    spec.setdefault("serviceAccountName", "default")
    spec.setdefault("serviceAccount", spec["serviceAccountName"])
    spec.setdefault(
        "tolerations",
        [
            {"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
            for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")
        ],
    )


def _service(
    obj: dict, allocate_cluster_ip: Callable[[], str], allocate_node_port: Callable[[], int]
) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("type", "ClusterIP")
    if spec["type"] == "ExternalName":
        return
    spec.setdefault("sessionAffinity", "None")
    if not spec.get("clusterIP"):
        spec["clusterIP"] = allocate_cluster_ip()
    spec.setdefault("clusterIPs", [spec["clusterIP"]])
    spec.setdefault("ipFamilies", ["IPv4"])
    spec.setdefault("ipFamilyPolicy", "SingleStack")
    spec.setdefault("internalTrafficPolicy", "Cluster")
    for port in spec.get("ports") or []:
        port.setdefault("protocol", "TCP")
        port.setdefault("targetPort", port.get("port"))
        if spec["type"] in ("NodePort", "LoadBalancer") and not port.get("nodePort"):
            port["nodePort"] = allocate_node_port()
    if spec["type"] in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if spec["type"] == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    obj.setdefault("status", {}).setdefault("loadBalancer", {})


def _secret(obj: dict) -> None:
    if not obj.get("type"):  # absent or "" (typed clients send the empty string): Opaque, as upstream
        obj["type"] = "Opaque"
    string_data = obj.pop("stringData", None) or {}
    if string_data:
        data = obj.setdefault("data", {}) or {}
        for key, value in string_data.items():
            data[key] = base64.b64encode(str(value).encode()).decode()
        obj["data"] = data


def _pvc(obj: dict) -> None:
    obj.setdefault("spec", {}).setdefault("volumeMode", "Filesystem")
    obj.setdefault("status", {}).setdefault("phase", "Pending")


def _namespace(obj: dict) -> None:
    name = obj["metadata"]["name"]
    obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = name
    obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
    obj.setdefault("status", {}).setdefault("phase", "Active")


def _ingress(obj: dict) -> None:
    obj.setdefault("status", {}).setdefault("loadBalancer", {})
    for rule in (obj.get("spec") or {}).get("rules") or []:
        for path in (rule.get("http") or {}).get("paths") or []:
            path.setdefault("pathType", "ImplementationSpecific")


def _hpa(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("minReplicas", 1)


def carry_over_allocations(resource_type: ResourceType, old: dict, obj: dict) -> None:
    """A replace that leaves out what the server allocated (a Service's IPs, node ports) keeps it."""
    if (resource_type.group, resource_type.kind) != ("", "Service"):
        return
    old_spec, spec = old.get("spec") or {}, obj.get("spec")
    if not isinstance(spec, dict) or spec.get("type", "ClusterIP") == "ExternalName":
        return
    for key in ("clusterIP", "clusterIPs"):
        if not spec.get(key) and old_spec.get(key):
            spec[key] = old_spec[key]
    old_ports = {(p.get("port"), p.get("protocol", "TCP")): p for p in old_spec.get("ports") or []}
    for port in spec.get("ports") or []:
        previous = old_ports.get((port.get("port"), port.get("protocol", "TCP")))
        if previous and previous.get("nodePort") and not port.get("nodePort"):
            port["nodePort"] = previous["nodePort"]


def apply_defaults(
    resource_type: ResourceType,
    obj: dict,
    *,
    allocate_cluster_ip: Callable[[], str],
    allocate_node_port: Callable[[], int],
) -> None:
    """Fill the defaults for obj in place (only for fields the caller left unset)."""
    if resource_type.group == "apps" and resource_type.kind == "Deployment":
        _deployment(obj)
    elif resource_type.group == "apps" and resource_type.kind == "StatefulSet":
        _statefulset(obj)
    elif resource_type.group == "apps" and resource_type.kind == "DaemonSet":
        _daemonset(obj)
    elif resource_type.group == "apps" and resource_type.kind == "ReplicaSet":
        _replicaset(obj)
    elif resource_type.group == "batch" and resource_type.kind == "Job":
        _job(obj)
    elif resource_type.group == "batch" and resource_type.kind == "CronJob":
        _cronjob(obj)
    elif resource_type.group == "" and resource_type.kind == "Pod":
        _pod(obj)
    elif resource_type.group == "" and resource_type.kind == "Service":
        _service(obj, allocate_cluster_ip, allocate_node_port)
    elif resource_type.group == "" and resource_type.kind == "Secret":
        _secret(obj)
    elif resource_type.group == "" and resource_type.kind == "PersistentVolumeClaim":
        _pvc(obj)
    elif resource_type.group == "" and resource_type.kind == "Namespace":
        _namespace(obj)
    elif resource_type.group == "networking.k8s.io" and resource_type.kind == "Ingress":
        _ingress(obj)
    elif resource_type.group == "autoscaling" and resource_type.kind == "HorizontalPodAutoscaler":
        _hpa(obj)
