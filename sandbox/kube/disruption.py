"""PodDisruptionBudget arithmetic, as the disruption controller and the eviction subresource compute it."""

from __future__ import annotations

import math

from sandbox.kube.selectors import label_selector_from_object


def pod_is_healthy(pod: dict) -> bool:
    """Ready and not being deleted."""
    if pod["metadata"].get("deletionTimestamp"):
        return False
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def _scaled(value: object, total: int, *, round_up: bool) -> int:
    if isinstance(value, str) and value.endswith("%"):
        fraction = int(value[:-1]) * total / 100
        return math.ceil(fraction) if round_up else math.floor(fraction)
    return int(value or 0)


def matching_pods(pdb: dict, pods: list[dict]) -> list[dict]:
    selector = (pdb.get("spec") or {}).get("selector")
    if selector is None:
        return []
    matches = label_selector_from_object(selector)
    return [pod for pod in pods if matches(pod["metadata"].get("labels") or {})]


def budget_status(pdb: dict, pods: list[dict]) -> dict:
    """status of pdb given the pods of its namespace (expectedPods: the pods its selector matches)."""
    spec = pdb.get("spec") or {}
    selected = [pod for pod in matching_pods(pdb, pods) if not pod["metadata"].get("deletionTimestamp")]
    expected = len(selected)
    healthy = sum(1 for pod in selected if pod_is_healthy(pod))
    if spec.get("minAvailable") is not None:
        desired = _scaled(spec["minAvailable"], expected, round_up=True)
    elif spec.get("maxUnavailable") is not None:
        desired = max(0, expected - _scaled(spec["maxUnavailable"], expected, round_up=True))
    else:
        desired = 0
    allowed = max(0, healthy - desired)
    return {
        "observedGeneration": pdb["metadata"].get("generation", 1),
        "currentHealthy": healthy,
        "desiredHealthy": desired,
        "expectedPods": expected,
        "disruptionsAllowed": allowed,
    }
