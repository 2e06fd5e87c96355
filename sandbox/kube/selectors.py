"""Label and field selectors, parsed from the query-string syntax that kubectl and client-go send."""

from __future__ import annotations

import re
from collections.abc import Callable

from sandbox.kube.errors import ApiError

Matcher = Callable[[dict], bool]

_SET_EXPRESSION = re.compile(r"^\s*(!?)\s*([A-Za-z0-9._/-]+)\s*(?:(notin|in)\s*\(([^)]*)\))?\s*$")
_EQUALITY = re.compile(r"^\s*([A-Za-z0-9._/-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)\s*$")


def _split_terms(selector: str) -> list[str]:
    """Split on the commas that separate requirements, not those inside `in (a,b)`."""
    terms, depth, current = [], 0, []
    for char in selector:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            terms.append("".join(current))
            current = []
        else:
            current.append(char)
    terms.append("".join(current))
    return [term for term in terms if term.strip()]


def parse_label_selector(selector: str | None) -> Callable[[dict[str, str]], bool]:
    """A predicate over a labels dict. Raises a 400 ApiError for selectors a real server would reject."""
    requirements: list[Callable[[dict[str, str]], bool]] = []
    for term in _split_terms(selector or ""):
        equality = _EQUALITY.match(term)
        if equality:
            key, operator, value = equality.groups()
            if operator == "!=":
                requirements.append(lambda labels, k=key, v=value: labels.get(k) != v)
            else:
                requirements.append(lambda labels, k=key, v=value: k in labels and labels[k] == v)
            continue
        expression = _SET_EXPRESSION.match(term)
        if not expression:
            raise ApiError(400, f"unable to parse requirement: invalid label selector {term.strip()!r}")
        negated, key, operator, values = expression.groups()
        if operator:
            if negated:
                raise ApiError(400, f"unable to parse requirement: {term.strip()!r}")
            allowed = {v.strip() for v in values.split(",") if v.strip()}
            if operator == "in":
                requirements.append(lambda labels, k=key, a=allowed: labels.get(k) in a)
            else:
                requirements.append(lambda labels, k=key, a=allowed: labels.get(k) not in a)
        elif negated:
            requirements.append(lambda labels, k=key: k not in labels)
        else:
            requirements.append(lambda labels, k=key: k in labels)
    return lambda labels: all(requirement(labels) for requirement in requirements)


def label_selector_from_object(selector: dict | None) -> Callable[[dict[str, str]], bool]:
    """A predicate for a structured LabelSelector (matchLabels + matchExpressions) as in Deployment specs."""
    selector = selector or {}
    match_labels = selector.get("matchLabels") or {}
    expressions = selector.get("matchExpressions") or []

    def matches(labels: dict[str, str]) -> bool:
        if any(labels.get(key) != value for key, value in match_labels.items()):
            return False
        for expression in expressions:
            key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
            if operator == "In" and labels.get(key) not in values:
                return False
            if operator == "NotIn" and key in labels and labels[key] in values:
                return False
            if operator == "Exists" and key not in labels:
                return False
            if operator == "DoesNotExist" and key in labels:
                return False
        return True

    return matches


def field_value(obj: dict, path: str) -> str:
    value: object = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_field_selector(selector: str | None) -> Matcher:
    requirements: list[Matcher] = []
    for term in _split_terms(selector or ""):
        match = re.match(r"^\s*([A-Za-z0-9._-]+)\s*(==|=|!=)\s*(.*?)\s*$", term)
        if not match:
            raise ApiError(400, f"invalid field selector: {term.strip()!r}")
        path, operator, value = match.groups()
        if operator == "!=":
            requirements.append(lambda obj, p=path, v=value: field_value(obj, p) != v)
        else:
            requirements.append(lambda obj, p=path, v=value: field_value(obj, p) == v)
    return lambda obj: all(requirement(obj) for requirement in requirements)


def object_matcher(label_selector: str | None, field_selector: str | None) -> Matcher:
    labels_match = parse_label_selector(label_selector)
    fields_match = parse_field_selector(field_selector)
    return lambda obj: labels_match(obj.get("metadata", {}).get("labels") or {}) and fields_match(obj)
