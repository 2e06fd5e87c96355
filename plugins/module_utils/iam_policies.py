# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM policy documents built by pure functions: OIDC web-identity trust policies and their evaluation.

A trust policy for an OIDC provider names the provider as the ``Federated`` principal, allows only
``sts:AssumeRoleWithWebIdentity`` and pins the token's claims with conditions keyed by the issuer
(the provider URL without ``https://``): ``<issuer>:aud`` (the audience) and ``<issuer>:sub`` (the
subject: ``system:serviceaccount:<namespace>:<name>`` for an EKS service account,
``repo:<owner>/<repo>:<ref>`` for GitHub Actions).

No AWS call is made here; ``trust_policy_admits`` evaluates a trust policy against a token's claims the
way STS does for the condition operators these builders use, so that unit tests can prove what a
policy admits and what it does not.
"""

import fnmatch
import json
import re

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

POLICY_VERSION = "2012-10-17"
STS_AUDIENCE = "sts.amazonaws.com"
WEB_IDENTITY_ACTION = "sts:AssumeRoleWithWebIdentity"
GITHUB_ACTIONS_ISSUER = "token.actions.githubusercontent.com"

_OIDC_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):iam::(?P<account>\d{12}):oidc-provider/(?P<issuer>.+)$"
)
# Kubernetes names: DNS-1123 labels for namespaces, DNS-1123 subdomains for service accounts.
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_SERVICE_ACCOUNT = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_GITHUB_REPOSITORY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")


class InvalidPolicyInput(ValueError):
    pass


def issuer_from_url(url):
    """The issuer as IAM keys it: no ``https://``, no trailing slash

    For example ``oidc.eks.<region>.amazonaws.com/id/X``.
    """
    if not url or not url.strip():
        raise InvalidPolicyInput("the OIDC issuer must not be empty")
    text = url.strip()
    if "://" in text:
        scheme, _separator, text = text.partition("://")
        if scheme.lower() != "https":
            raise InvalidPolicyInput(f"an OIDC issuer URL must use https://, got {url!r}")
    text = text.rstrip("/")
    host, _separator, path = text.partition("/")
    if not host or ":" in host or "?" in text or "#" in text:
        raise InvalidPolicyInput(f"not an OIDC issuer URL: {url!r}")
    return host.lower() + ("/" + path if path else "")


def parse_provider_arn(arn):
    """Split an IAM OIDC provider ARN into (partition, account id, issuer)."""
    match = _OIDC_ARN.match(arn or "")
    if not match:
        raise InvalidPolicyInput(f"not an IAM OIDC provider ARN: {arn!r}")
    return match["partition"], match["account"], issuer_from_url(match["issuer"])


def provider_arn_for(issuer, account_id, partition="aws"):
    """The ARN IAM gives the provider of ``issuer`` in an account."""
    if not re.fullmatch(r"\d{12}", str(account_id or "")):
        raise InvalidPolicyInput(f"an account id is 12 digits, got {account_id!r}")
    return f"arn:{partition}:iam::{account_id}:oidc-provider/{issuer_from_url(issuer)}"


def resolve_provider(provider, account_id=None, partition="aws"):
    """(provider ARN, issuer) from either the provider's ARN or its issuer URL (which needs the account)."""
    if (provider or "").startswith("arn:"):
        issuer = parse_provider_arn(provider)[2]
        return provider, issuer
    issuer = issuer_from_url(provider)
    return provider_arn_for(issuer, account_id, partition), issuer


def service_account_subject(namespace, name):
    """The ``sub`` claim of a projected service-account token."""
    if not _NAMESPACE.match(namespace or ""):
        raise InvalidPolicyInput(f"not a Kubernetes namespace name: {namespace!r}")
    if not _SERVICE_ACCOUNT.match(name or ""):
        raise InvalidPolicyInput(f"not a Kubernetes service account name: {name!r}")
    return f"system:serviceaccount:{namespace}:{name}"


def _one_or_many(values):
    values = sorted(set(values))
    return values[0] if len(values) == 1 else values


def web_identity_trust_policy(
    provider_arn, issuer, subjects, audiences, sid, subject_operator="StringEquals"
):
    """One statement: the provider as principal, ``aud`` pinned, ``sub`` matched by ``subject_operator``."""
    subjects = list(subjects)
    audiences = [audiences] if isinstance(audiences, str) else list(audiences)
    if not subjects:
        raise InvalidPolicyInput("a web-identity trust policy needs at least one subject")
    if not audiences or not all(audiences):
        raise InvalidPolicyInput("a web-identity trust policy needs a non-empty audience")
    if subject_operator not in ("StringEquals", "StringLike"):
        raise InvalidPolicyInput(f"unsupported subject operator {subject_operator!r}")
    condition = {"StringEquals": {f"{issuer}:aud": _one_or_many(audiences)}}
    condition.setdefault(subject_operator, {})[f"{issuer}:sub"] = _one_or_many(subjects)
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": sid,
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": WEB_IDENTITY_ACTION,
                "Condition": condition,
            }
        ],
    }


def normalize_service_accounts(service_accounts):
    """Accept ``{namespace, name}`` dicts or ``namespace/name`` / ``namespace:name`` strings."""
    normalized = []
    for entry in service_accounts or []:
        if isinstance(entry, dict):
            namespace, name = entry.get("namespace"), entry.get("name")
        else:
            namespace, _separator, name = str(entry).replace(":", "/").partition("/")
        normalized.append((namespace, name))
    if not normalized:
        raise InvalidPolicyInput("at least one service account is needed")
    return normalized


def irsa_trust_policy(provider, service_accounts, audience=STS_AUDIENCE, account_id=None, partition="aws"):
    """Trust policy of an IAM role for Kubernetes service accounts (IRSA) of one EKS cluster.

    ``provider`` is the OIDC provider's ARN or the cluster's issuer URL (then ``account_id`` is needed).
    Only the listed service accounts, with tokens for ``audience``, may assume the role: the subject is
    compared with StringEquals, never a wildcard.
    """
    provider_arn, issuer = resolve_provider(provider, account_id, partition)
    subjects = [
        service_account_subject(ns, name) for ns, name in normalize_service_accounts(service_accounts)
    ]
    return web_identity_trust_policy(provider_arn, issuer, subjects, audience, "ServiceAccountWebIdentity")


def github_actions_subjects(repositories, ref_pattern="*"):
    bad = [r for r in repositories if not _GITHUB_REPOSITORY.match(str(r))]
    if bad or not repositories:
        raise InvalidPolicyInput(
            f"repositories must be a non-empty list of owner/repo names, got {bad or repositories}"
        )
    return [f"repo:{repository}:{ref_pattern}" for repository in repositories]


def github_actions_trust_policy(
    repositories,
    account_id=None,
    partition="aws",
    provider=GITHUB_ACTIONS_ISSUER,
    audience=STS_AUDIENCE,
    ref_pattern="*",
):
    """Trust policy for GitHub Actions workflows of ``repositories`` (``owner/repo``).

    The same shape as :func:`irsa_trust_policy`; the subject is ``repo:<owner>/<repo>:<ref_pattern>``,
    compared with StringLike because GitHub's subject names the branch, tag, environment or pull request.
    """
    provider_arn, issuer = resolve_provider(provider, account_id, partition)
    return web_identity_trust_policy(
        provider_arn,
        issuer,
        github_actions_subjects(repositories, ref_pattern),
        audience,
        "GitHubActionsWebIdentity",
        subject_operator="StringLike",
    )


def _as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _condition_holds(operator, key, expected, claims):
    if key not in claims:
        return False  # AWS: a missing key fails every operator without IfExists
    actual = claims[key]
    expected = [str(v) for v in _as_list(expected)]
    if operator == "StringEquals":
        return actual in expected
    if operator == "StringLike":
        return any(fnmatch.fnmatchcase(actual, pattern) for pattern in expected)
    raise InvalidPolicyInput(f"condition operator {operator!r} is not evaluated here")


def trust_policy_admits(policy, federated_principal, claims, action=WEB_IDENTITY_ACTION):
    """Whether ``policy`` lets a web-identity token with ``claims`` assume the role.

    ``claims`` maps condition keys (``<issuer>:sub``, ``<issuer>:aud``) to the token's values. Explicit
    denies win; an allow needs the principal, the action and every condition of one statement.
    Supports the operators the builders emit (StringEquals, StringLike) and fails on any other.
    """
    allowed = False
    for statement in _as_list(policy.get("Statement")):
        principal = statement.get("Principal", {})
        federated = _as_list(principal.get("Federated")) if isinstance(principal, dict) else []
        if federated_principal not in federated:
            continue
        if action not in _as_list(statement.get("Action")):
            continue
        conditions = statement.get("Condition", {})
        if all(
            _condition_holds(operator, key, expected, claims)
            for operator, pairs in conditions.items()
            for key, expected in pairs.items()
        ):
            if statement.get("Effect") == "Deny":
                return False
            allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def policy_document(value):
    """A policy given as a dict or as JSON text, as a dict."""
    if isinstance(value, dict):
        return value
    try:
        document = json.loads(value)
    except (TypeError, ValueError) as e:
        raise InvalidPolicyInput(f"not a JSON policy document: {e}") from e
    if not isinstance(document, dict):
        raise InvalidPolicyInput("a policy document is a JSON object")
    return document


def plan_role_changes(
    current, desired, purge_managed_policies=True, purge_inline_policies=True, purge_tags=True
):
    """What must change to bring the role ``current`` (None: absent) to ``desired``.

    Both are dicts with ``trust_policy``, ``description``, ``max_session_duration``, ``managed_policies``
    (ARNs), ``inline_policies`` (name -> document) and ``tags``; in ``desired`` a ``None`` description
    or duration means "leave as is". Returns a dict whose non-empty entries are the changes, in the
    order a module applies them (``create`` alone when the role is absent, plus its policies).
    """
    if current is None:
        return {
            "create": True,
            "attach": sorted(desired["managed_policies"]),
            "put_inline": sorted(desired["inline_policies"]),
        }
    plan = {
        "create": False,
        "trust_policy": compare_policies(current["trust_policy"], desired["trust_policy"]),
        "update_role": any(
            desired[key] is not None and desired[key] != current[key]
            for key in ("description", "max_session_duration")
        ),
        "attach": sorted(set(desired["managed_policies"]) - set(current["managed_policies"])),
        "detach": (
            sorted(set(current["managed_policies"]) - set(desired["managed_policies"]))
            if purge_managed_policies
            else []
        ),
        "put_inline": sorted(
            name
            for name, document in desired["inline_policies"].items()
            if name not in current["inline_policies"]
            or compare_policies(current["inline_policies"][name], document)
        ),
        "delete_inline": (
            sorted(set(current["inline_policies"]) - set(desired["inline_policies"]))
            if purge_inline_policies
            else []
        ),
    }
    plan["tags_to_set"], plan["tags_to_remove"] = compare_aws_tags(
        current["tags"], desired["tags"] or {}, purge_tags
    )
    if desired["tags"] is None:
        plan["tags_to_set"], plan["tags_to_remove"] = {}, []
    return plan


def plan_is_empty(plan):
    return not any(value for value in plan.values())


def predicted_role(current, desired, plan):
    """The role as it will be after ``plan`` is applied (for check mode and the diff)."""
    base = dict(current or {})
    after = {
        "trust_policy": desired["trust_policy"],
        "description": desired["description"]
        if desired["description"] is not None
        else base.get("description"),
        "max_session_duration": (
            desired["max_session_duration"]
            if desired["max_session_duration"] is not None
            else base.get("max_session_duration", 3600)
        ),
    }
    managed = (set(base.get("managed_policies", [])) | set(plan.get("attach", []))) - set(
        plan.get("detach", [])
    )
    inline = {
        name: doc
        for name, doc in base.get("inline_policies", {}).items()
        if name not in plan.get("delete_inline", [])
    }
    inline.update({name: desired["inline_policies"][name] for name in plan.get("put_inline", [])})
    tags = {k: v for k, v in base.get("tags", {}).items() if k not in plan.get("tags_to_remove", [])}
    tags.update(plan.get("tags_to_set", {}) if current else (desired["tags"] or {}))
    after.update(managed_policies=sorted(managed), inline_policies=inline, tags=tags)
    for key in ("arn", "role_name", "path", "create_date", "role_id"):
        if key in base:
            after[key] = base[key]
    return after


def comparable_role(role):
    """The part of a role the diff shows (None for an absent role)."""
    if role is None:
        return {}
    keys = (
        "trust_policy",
        "description",
        "max_session_duration",
        "managed_policies",
        "inline_policies",
        "tags",
    )
    return {key: role.get(key) for key in keys}
