"""Server-side printing: the `Table` answers behind `kubectl get`'s columns."""

from __future__ import annotations

import datetime

from sandbox.kube.resources import ResourceType
from sandbox.kube.selectors import field_value


def _age(obj: dict) -> str:
    created = obj.get("metadata", {}).get("creationTimestamp")
    if not created:
        return "<unknown>"
    then = datetime.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
    seconds = int((datetime.datetime.now(datetime.UTC) - then).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size * 2 or (unit == "m" and seconds >= 120):
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _ready(obj: dict) -> str:
    status = obj.get("status") or {}
    return f"{status.get('readyReplicas', 0)}/{(obj.get('spec') or {}).get('replicas', 0)}"


def _node_status(obj: dict) -> str:
    conditions = (obj.get("status") or {}).get("conditions") or []
    ready = next((c for c in conditions if c.get("type") == "Ready"), {})
    return "Ready" if ready.get("status") == "True" else "NotReady"


def _service_external(obj: dict) -> str:
    ingress = ((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        return ",".join(i.get("hostname") or i.get("ip", "") for i in ingress)
    return "<pending>" if (obj.get("spec") or {}).get("type") == "LoadBalancer" else "<none>"


def _ports(obj: dict) -> str:
    ports = (obj.get("spec") or {}).get("ports") or []
    rendered = [
        f"{p.get('port')}{':' + str(p['nodePort']) if p.get('nodePort') else ''}/{p.get('protocol', 'TCP')}"
        for p in ports
    ]
    return ",".join(rendered) or "<none>"


def _pod_ready(obj: dict) -> str:
    statuses = (obj.get("status") or {}).get("containerStatuses") or []
    total = len((obj.get("spec") or {}).get("containers") or [])
    return f"{sum(1 for s in statuses if s.get('ready'))}/{total}"


def _address(obj: dict, kind: str) -> str:
    addresses = (obj.get("status") or {}).get("addresses") or []
    return next((a.get("address", "") for a in addresses if a.get("type") == kind), "")


def _pod_status(obj: dict) -> str:
    if obj.get("metadata", {}).get("deletionTimestamp"):
        return "Terminating"
    phase = field_value(obj, "status.phase") or "Pending"
    return "Completed" if phase == "Succeeded" else phase


def _readiness_gates(obj: dict) -> str:
    gates = (obj.get("spec") or {}).get("readinessGates") or []
    if not gates:
        return "<none>"
    conditions = {c.get("type"): c.get("status") for c in (obj.get("status") or {}).get("conditions") or []}
    return f"{sum(1 for g in gates if conditions.get(g.get('conditionType')) == 'True')}/{len(gates)}"


def _ingress_hosts(obj: dict) -> str:
    return ",".join(r.get("host", "*") for r in (obj.get("spec") or {}).get("rules") or []) or "*"


def _raw(obj: dict, path: str) -> object:
    value: object = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _selector(selector: dict | None) -> str:
    """metav1.FormatLabelSelector: matchLabels as k=v, expressions as `k in (a,b)`, nothing as <none>."""
    if not selector:
        return "<none>"
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression.get("key", ""), expression.get("operator", "")
        values = ",".join(expression.get("values") or [])
        parts.append(
            {"In": f"{key} in ({values})", "NotIn": f"{key} notin ({values})", "Exists": key}.get(
                operator, f"!{key}"
            )
        )
    return ",".join(parts) or "<none>"


def _pod_template_spec(obj: dict) -> dict:
    spec = obj.get("spec") or {}
    if "jobTemplate" in spec:
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return (spec.get("template") or {}).get("spec") or {}


def _containers(obj: dict) -> str:
    return ",".join(c.get("name", "") for c in _pod_template_spec(obj).get("containers") or [])


def _images(obj: dict) -> str:
    return ",".join(c.get("image", "") for c in _pod_template_spec(obj).get("containers") or [])


def _workload_wide(selector_path: str = "spec.selector") -> list:
    return [
        ("Containers", "string", _containers, 1),
        ("Images", "string", _images, 1),
        ("Selector", "string", lambda o: _selector(_raw(o, selector_path)), 1),
    ]


def _status(key: str, default: object = 0):
    return lambda o: (o.get("status") or {}).get(key, default)


def _int_or_percent(value: object) -> str:
    return "N/A" if value is None else str(value)


def _hpa_targets(obj: dict) -> str:
    metrics = (obj.get("spec") or {}).get("metrics") or []
    current = {
        (m.get("resource") or {}).get("name"): m
        for m in (obj.get("status") or {}).get("currentMetrics") or []
    }
    rendered = []
    for metric in metrics:
        resource = metric.get("resource") or {}
        target = resource.get("target") or {}
        have = ((current.get(resource.get("name")) or {}).get("resource") or {}).get("current") or {}
        if target.get("averageUtilization") is not None:
            now = have.get("averageUtilization")
            rendered.append(
                f"{resource.get('name')}: {'<unknown>' if now is None else f'{now}%'}/"
                f"{target['averageUtilization']}%"
            )
        elif target.get("averageValue") is not None:
            rendered.append(f"{have.get('averageValue', '<unknown>')}/{target['averageValue']}")
    if not rendered:
        return "<none>"
    return ", ".join(rendered)


def _cron_last_schedule(obj: dict) -> str:
    last = (obj.get("status") or {}).get("lastScheduleTime")
    return _age({"metadata": {"creationTimestamp": last}}) if last else "<none>"


# (header, type, render) or (header, type, render, priority): priority 1 shows only with `-o wide`.
Column = tuple
COLUMNS: dict[tuple[str, str], list[Column]] = {
    ("", "Node"): [
        ("Status", "string", _node_status),
        ("Roles", "string", lambda o: "<none>"),
        ("Age", "string", _age),
        ("Version", "string", lambda o: field_value(o, "status.nodeInfo.kubeletVersion")),
        ("Internal-IP", "string", lambda o: _address(o, "InternalIP"), 1),
        ("External-IP", "string", lambda o: _address(o, "ExternalIP") or "<none>", 1),
        ("OS-Image", "string", lambda o: field_value(o, "status.nodeInfo.osImage"), 1),
        ("Kernel-Version", "string", lambda o: field_value(o, "status.nodeInfo.kernelVersion"), 1),
        (
            "Container-Runtime",
            "string",
            lambda o: field_value(o, "status.nodeInfo.containerRuntimeVersion"),
            1,
        ),
    ],
    ("", "Namespace"): [
        ("Status", "string", lambda o: field_value(o, "status.phase")),
        ("Age", "string", _age),
    ],
    ("", "Pod"): [
        ("Ready", "string", _pod_ready),
        ("Status", "string", _pod_status),
        ("Restarts", "integer", lambda o: 0),
        ("Age", "string", _age),
        ("IP", "string", lambda o: field_value(o, "status.podIP") or "<none>", 1),
        ("Node", "string", lambda o: field_value(o, "spec.nodeName") or "<none>", 1),
        ("Nominated Node", "string", lambda o: field_value(o, "status.nominatedNodeName") or "<none>", 1),
        ("Readiness Gates", "string", lambda o: _readiness_gates(o), 1),
    ],
    ("", "Service"): [
        ("Type", "string", lambda o: field_value(o, "spec.type")),
        ("Cluster-IP", "string", lambda o: field_value(o, "spec.clusterIP") or "<none>"),
        ("External-IP", "string", _service_external),
        ("Port(s)", "string", _ports),
        ("Age", "string", _age),
        (
            "Selector",
            "string",
            lambda o: ",".join(
                f"{k}={v}" for k, v in sorted(((o.get("spec") or {}).get("selector") or {}).items())
            )
            or "<none>",
            1,
        ),
    ],
    ("", "ConfigMap"): [("Data", "integer", lambda o: len(o.get("data") or {})), ("Age", "string", _age)],
    ("", "Secret"): [
        ("Type", "string", lambda o: o.get("type", "")),
        ("Data", "integer", lambda o: len(o.get("data") or {})),
        ("Age", "string", _age),
    ],
    ("apps", "Deployment"): [
        ("Ready", "string", _ready),
        ("Up-to-date", "integer", lambda o: (o.get("status") or {}).get("updatedReplicas", 0)),
        ("Available", "integer", lambda o: (o.get("status") or {}).get("availableReplicas", 0)),
        ("Age", "string", _age),
        *_workload_wide(),
    ],
    ("apps", "StatefulSet"): [
        ("Ready", "string", _ready),
        ("Age", "string", _age),
        ("Containers", "string", _containers, 1),
        ("Images", "string", _images, 1),
    ],
    ("apps", "ReplicaSet"): [
        ("Desired", "integer", lambda o: (o.get("spec") or {}).get("replicas", 0)),
        ("Current", "integer", lambda o: (o.get("status") or {}).get("replicas", 0)),
        ("Ready", "integer", lambda o: (o.get("status") or {}).get("readyReplicas", 0)),
        ("Age", "string", _age),
        *_workload_wide(),
    ],
    ("apps", "DaemonSet"): [
        ("Desired", "integer", _status("desiredNumberScheduled")),
        ("Current", "integer", _status("currentNumberScheduled")),
        ("Ready", "integer", _status("numberReady")),
        ("Up-to-date", "integer", _status("updatedNumberScheduled")),
        ("Available", "integer", _status("numberAvailable")),
        (
            "Node Selector",
            "string",
            lambda o: ",".join(
                f"{k}={v}" for k, v in sorted(_pod_template_spec(o).get("nodeSelector", {}).items())
            )
            or "<none>",
        ),
        ("Age", "string", _age),
        *_workload_wide(),
    ],
    ("batch", "Job"): [
        ("Status", "string", lambda o: "Complete" if (o.get("status") or {}).get("succeeded") else "Running"),
        (
            "Completions",
            "string",
            lambda o: f"{(o.get('status') or {}).get('succeeded', 0)}/"
            f"{(o.get('spec') or {}).get('completions', 1)}",
        ),
        ("Age", "string", _age),
        *_workload_wide(),
    ],
    ("batch", "CronJob"): [
        ("Schedule", "string", lambda o: field_value(o, "spec.schedule")),
        ("Timezone", "string", lambda o: field_value(o, "spec.timeZone") or "<none>"),
        ("Suspend", "boolean", lambda o: bool(_raw(o, "spec.suspend"))),
        ("Active", "integer", lambda o: len((o.get("status") or {}).get("active") or [])),
        ("Last Schedule", "string", _cron_last_schedule),
        ("Age", "string", _age),
        *_workload_wide("spec.jobTemplate.spec.selector"),
    ],
    ("autoscaling", "HorizontalPodAutoscaler"): [
        (
            "Reference",
            "string",
            lambda o: "/".join(str(field_value(o, f"spec.scaleTargetRef.{k}")) for k in ("kind", "name")),
        ),
        ("Targets", "string", _hpa_targets),
        ("MinPods", "string", lambda o: str((o.get("spec") or {}).get("minReplicas", 1))),
        ("MaxPods", "integer", lambda o: (o.get("spec") or {}).get("maxReplicas", 0)),
        ("Replicas", "integer", _status("currentReplicas")),
        ("Age", "string", _age),
    ],
    ("policy", "PodDisruptionBudget"): [
        ("Min Available", "string", lambda o: _int_or_percent((o.get("spec") or {}).get("minAvailable"))),
        ("Max Unavailable", "string", lambda o: _int_or_percent((o.get("spec") or {}).get("maxUnavailable"))),
        ("Allowed Disruptions", "integer", _status("disruptionsAllowed")),
        ("Age", "string", _age),
    ],
    ("networking.k8s.io", "NetworkPolicy"): [
        ("Pod-Selector", "string", lambda o: _selector(_raw(o, "spec.podSelector"))),
        ("Age", "string", _age),
    ],
    ("", "ServiceAccount"): [
        ("Secrets", "integer", lambda o: len(o.get("secrets") or [])),
        ("Age", "string", _age),
    ],
    ("scheduling.k8s.io", "PriorityClass"): [
        ("Value", "integer", lambda o: o.get("value", 0)),
        ("Global-Default", "boolean", lambda o: bool(o.get("globalDefault"))),
        ("Preemption Policy", "string", lambda o: o.get("preemptionPolicy", "PreemptLowerPriority")),
        ("Age", "string", _age),
    ],
    ("networking.k8s.io", "Ingress"): [
        ("Class", "string", lambda o: field_value(o, "spec.ingressClassName") or "<none>"),
        ("Hosts", "string", _ingress_hosts),
        ("Address", "string", lambda o: _service_external(o).replace("<none>", "")),
        ("Ports", "string", lambda o: "80"),
        ("Age", "string", _age),
    ],
    ("apiextensions.k8s.io", "CustomResourceDefinition"): [
        ("Created At", "date", lambda o: field_value(o, "metadata.creationTimestamp"))
    ],
}


def _json_path_value(obj: dict, json_path: str) -> object:
    path = json_path.strip().lstrip(".").replace("[", ".[")
    value: object = obj
    for part in path.split("."):
        if not part:
            continue
        if part.startswith("[") and isinstance(value, list):
            index = part.strip("[]")
            value = value[int(index)] if index.isdigit() and int(index) < len(value) else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
    return value


def _custom_columns(resource_type: ResourceType) -> list[Column]:
    columns: list[Column] = []
    for column in resource_type.printer_columns:
        json_path = column.get("jsonPath", "")
        priority = column.get("priority", 0)
        if json_path == ".metadata.creationTimestamp":
            columns.append((column["name"], "string", _age, priority))
        else:
            render = lambda o, p=json_path: _json_path_value(o, p)  # noqa: E731 - bound per column
            columns.append((column["name"], column.get("type", "string"), render, priority))
    if not any(column[0] == "Age" for column in columns):
        columns.append(("Age", "string", _age))
    return columns


def table(resource_type: ResourceType, objects: list[dict], list_metadata: dict) -> dict:
    columns = (
        _custom_columns(resource_type)
        if resource_type.is_custom
        else COLUMNS.get((resource_type.group, resource_type.kind), [("Age", "string", _age)])
    )
    definitions = [{"name": "Name", "type": "string", "format": "name", "description": "Name", "priority": 0}]
    definitions += [
        {
            "name": column[0],
            "type": column[1],
            "format": "",
            "description": column[0],
            "priority": column[3] if len(column) > 3 else 0,
        }
        for column in columns
    ]
    rows = [
        {
            "cells": [obj["metadata"]["name"], *(column[2](obj) for column in columns)],
            "object": {
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": obj["metadata"],
            },
        }
        for obj in objects
    ]
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": list_metadata,
        "columnDefinitions": definitions,
        "rows": rows,
    }
