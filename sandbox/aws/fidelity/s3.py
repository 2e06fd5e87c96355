"""Fidelity patches for S3: bucket policies are evaluated with their Condition blocks, as AWS does.

moto enforces bucket policies on object calls but ignores `Condition`: a statement applies as if every
condition held. The state bucket's TLS-only statement (Deny s3:* when aws:SecureTransport is false)
therefore denied every object call in the sandbox, and a non-empty versioned state bucket could never be
written to or emptied in a test.

The choice for aws:SecureTransport: the sandbox's plain-HTTP endpoint is treated as the TLS-terminated
front door of the account, the way the real S3 endpoint is reached over HTTPS. A request counts as
secure unless it says otherwise through `X-Forwarded-Proto: http` (what a TLS-terminating proxy in front
of the sandbox would send for a plain-HTTP client); tests use that header to prove that the TLS-only
policy still denies insecure requests. The roles keep their real-AWS policy unchanged.

Request context keys the evaluation knows: aws:SecureTransport, aws:SourceIp, aws:UserAgent. Condition
operators: String(Not)Equals(IgnoreCase), String(Not)Like, Arn(Not)Equals, Arn(Not)Like, Bool, Null,
(Not)IpAddress, each with the ...IfExists suffix and the ForAnyValue:/ForAllValues: prefixes. A key the
request does not carry makes a positive operator false and a negated one true (as AWS evaluates them).
An operator outside this list never matches, so a statement using it never applies; add it here first.
Statements naming specific principals stay ignored, as moto ignores them (the sandbox has one caller).
"""

from __future__ import annotations

import ipaddress
import json
import re
import threading
from typing import Any

from sandbox.aws.fidelity import patch

# The context of the S3 request being served, per server thread.
_CURRENT = threading.local()

NEGATED = {
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "ArnNotEquals",
    "ArnNotLike",
    "NotIpAddress",
}


def request_context(headers: Any, remote_addr: str | None) -> dict[str, str]:
    """The condition keys of one request (see the module docstring for aws:SecureTransport)."""
    forwarded = (headers.get("X-Forwarded-Proto") or "https").split(",")[0].strip().lower()
    context = {"aws:SecureTransport": "false" if forwarded == "http" else "true"}
    if remote_addr:
        context["aws:SourceIp"] = remote_addr
    if headers.get("User-Agent"):
        context["aws:UserAgent"] = headers["User-Agent"]
    return context


def _glob(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM's *Like matching: `*` any run of characters, `?` any one character, nothing else special."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL | (re.IGNORECASE if ignore_case else 0)) is not None


def _arn_like(pattern: str, value: str) -> bool:
    """ArnLike compares each of the six colon-separated parts of the ARN on its own."""
    pattern_parts, value_parts = pattern.split(":", 5), value.split(":", 5)
    if len(pattern_parts) != 6 or len(value_parts) != 6:
        return False
    return all(_glob(p, v) for p, v in zip(pattern_parts, value_parts, strict=True))


def _in_network(pattern: str, value: str) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(pattern, strict=False)
    except ValueError:
        return False


# Positive form of each operator: does one request value match one policy value?
MATCHERS = {
    "StringEquals": lambda p, v: p == v,
    "StringEqualsIgnoreCase": lambda p, v: p.lower() == v.lower(),
    "StringLike": _glob,
    "ArnEquals": lambda p, v: p == v,
    "ArnLike": _arn_like,
    "Bool": lambda p, v: p.lower() == v.lower(),
    "IpAddress": _in_network,
}
POSITIVE = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NotIpAddress": "IpAddress",
}


def _as_list(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(v).lower() if isinstance(v, bool) else str(v) for v in values]


def condition_holds(operator: str, key: str, policy_values: Any, context: dict[str, Any]) -> bool:
    """One `operator: {key: values}` pair of a Condition block, for this request context."""
    qualifier = ""
    if ":" in operator:
        qualifier, operator = operator.split(":", 1)  # ForAnyValue / ForAllValues
    if_exists = operator.endswith("IfExists")
    operator = operator.removesuffix("IfExists")
    wanted = _as_list(policy_values)
    present = key in context
    if operator == "Null":
        # Null: "true" means the key must be absent, "false" that it must be present.
        return any((value.lower() == "true") != present for value in wanted)
    if operator not in MATCHERS and operator not in NEGATED:
        return False
    if not present:
        return if_exists or operator in NEGATED or qualifier == "ForAllValues"
    negated = operator in NEGATED
    match = MATCHERS[POSITIVE.get(operator, operator)]
    actual = _as_list(context[key])

    def one(value: str) -> bool:
        hit = any(match(pattern, value) for pattern in wanted)
        return not hit if negated else hit

    if qualifier == "ForAllValues":
        return all(one(value) for value in actual)
    return any(one(value) for value in actual)


def conditions_hold(conditions: dict[str, Any] | None, context: dict[str, Any]) -> bool:
    """Every operator and every key of a Condition block holds (values of one key: any of them)."""
    for operator, pairs in (conditions or {}).items():
        for key, values in pairs.items():
            if not condition_holds(operator, key, values, context):
                return False
    return True


def _matches_any(patterns: Any, value: str, ignore_case: bool) -> bool:
    return any(_glob(p, value, ignore_case) for p in _as_list(patterns))


def _principal_is_everyone(principal: Any) -> bool | None:
    """True for "*" / {"AWS": "*"}; None (unknown to the sandbox) for a specific principal."""
    if principal == "*":
        return True
    if isinstance(principal, dict) and "*" in _as_list(principal.get("AWS", [])):
        return True
    return None


def evaluate(policy: dict[str, Any], action: str, resource: str, context: dict[str, Any]) -> str:
    """ "deny", "allow" or "neutral" for one request: an explicit Deny wins over any Allow."""
    statements = policy.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    result = "neutral"
    for statement in statements:
        if "NotAction" in statement:
            if _matches_any(statement["NotAction"], action, ignore_case=True):
                continue
        elif not _matches_any(statement.get("Action", []), action, ignore_case=True):
            continue
        if "NotResource" in statement:
            if _matches_any(statement["NotResource"], resource, ignore_case=False):
                continue
        elif "Resource" in statement and not _matches_any(statement["Resource"], resource, False):
            continue
        if _principal_is_everyone(statement.get("Principal")) is None:
            continue
        if not conditions_hold(statement.get("Condition"), context):
            continue
        if statement.get("Effect") == "Deny":
            return "deny"
        result = "allow"
    return result


@patch
def s3_bucket_policy_conditions() -> None:
    """Bucket policies on object calls are evaluated with their Condition blocks (aws:SecureTransport...)."""
    from moto.iam.access_control import PermissionResult
    from moto.s3.models import FakeBucket
    from moto.s3.responses import S3Response

    original_setup_class = S3Response.setup_class

    def setup_class(self: Any, request: Any, full_url: Any = None, headers: Any = None) -> None:
        original_setup_class(self, request, full_url, headers)
        _CURRENT.context = request_context(request.headers, getattr(request, "remote_addr", None))

    def get_permission(self: Any, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        policy = json.loads(self.policy.decode() if isinstance(self.policy, bytes) else self.policy)
        context = getattr(_CURRENT, "context", None) or {"aws:SecureTransport": "true"}
        outcome = evaluate(policy, action, resource, context)
        return {
            "deny": PermissionResult.DENIED,
            "allow": PermissionResult.PERMITTED,
            "neutral": PermissionResult.NEUTRAL,
        }[outcome]

    S3Response.setup_class = setup_class
    FakeBucket.get_permission = get_permission
