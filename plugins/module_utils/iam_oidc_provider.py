# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM OpenID Connect providers: URL normalisation, diffing and the desired state, and the two reads.

Everything but list_provider_arns, get_provider and list_roles is pure and unit-tested without a client; the
modules iam_oidc_provider and iam_oidc_provider_info make the changing calls.
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.iam import IAMErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags
from ansible_collections.amazon.aws.plugins.module_utils.transformation import boto3_resource_to_ansible_dict

# IAM keys a provider by its issuer URL without the scheme; the ARN ends with the same string.
ARN_RESOURCE_MARKER = ":oidc-provider/"
# A thumbprint is the hex-encoded SHA-1 digest of a certificate.
THUMBPRINT_PATTERN = re.compile(r"[0-9A-Fa-f]{40}")
# A DNS host name of two or more labels (an issuer is reachable on the internet): letters, digits, hyphens.
HOST_NAME = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
)
# Something that starts like a URL scheme ("https:", "http:"): a word of letters followed by a colon
# that is not a port (a port follows a host name with a dot in it).
SCHEME_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?!\d)")


class InvalidProviderUrl(ValueError):
    pass


def normalize_provider_url(url):
    """Return the provider URL the way IAM stores it: no scheme, lower-case host, no trailing slash.

    ``https://token.actions.githubusercontent.com/`` and ``token.actions.githubusercontent.com``
    both give ``token.actions.githubusercontent.com``. IAM only accepts https issuers, so any other
    scheme, a query string, a fragment or a port is an error rather than something to guess around;
    so is a host that is not a DNS name (``not a url at all``) and a mangled scheme (``https:/host``).
    """
    if not url or not url.strip():
        raise InvalidProviderUrl("url must not be empty")
    text = url.strip()
    scheme, separator, rest = text.partition("://")
    if not separator:
        if SCHEME_PREFIX.match(text):
            # "https:/x.example.com", "https:x.example.com": a scheme, but not followed by ://
            raise InvalidProviderUrl(f"url must start with https:// followed by the host name, got {url!r}")
        rest = text
    elif scheme.lower() != "https":
        raise InvalidProviderUrl(f"url must use https:// (IAM accepts no other scheme), got {url!r}")
    if "?" in rest or "#" in rest:
        raise InvalidProviderUrl(f"url must not contain a query string or fragment, got {url!r}")
    host, slash, path = rest.partition("/")
    if not host:
        raise InvalidProviderUrl(f"url has no host name, got {url!r}")
    name, colon, port = host.partition(":")
    if colon and port.isdigit() and HOST_NAME.fullmatch(name):
        raise InvalidProviderUrl(f"url must not contain a port number, got {url!r}")
    if not HOST_NAME.fullmatch(host):
        raise InvalidProviderUrl(f"url must be https://<host name>[/path] with a DNS host name, got {url!r}")
    if any(character.isspace() for character in path):
        raise InvalidProviderUrl(f"url must not contain white space, got {url!r}")
    return (host.lower() + slash + path).rstrip("/")


def provider_url_for_create(url):
    """The Url parameter CreateOpenIDConnectProvider wants: always with https://."""
    return "https://" + normalize_provider_url(url)


def url_from_provider_arn(arn):
    """The stored URL inside an OIDC provider ARN (``arn:aws:iam::123:oidc-provider/<url>``)."""
    marker_at = arn.find(ARN_RESOURCE_MARKER)
    if marker_at < 0:
        raise InvalidProviderUrl(f"not an IAM OIDC provider ARN: {arn!r}")
    return arn[marker_at + len(ARN_RESOURCE_MARKER) :]


def find_provider_arn(provider_arns, url):
    """Pick the ARN whose provider has this URL from ListOpenIDConnectProviders' ARNs, or None."""
    wanted = normalize_provider_url(url)
    for arn in provider_arns:
        if normalize_provider_url(url_from_provider_arn(arn)) == wanted:
            return arn
    return None


def diff_client_ids(current, desired, purge):
    """Return (to_add, to_remove) client ids. ``desired=None`` means the client ids are not managed.

    Client ids (audiences) are case-sensitive strings; IAM keeps them as given.
    """
    if desired is None:
        return [], []
    current_set = set(current or [])
    to_add = sorted(set(desired) - current_set)
    to_remove = sorted(current_set - set(desired)) if purge else []
    return to_add, to_remove


def _thumbprint_key(thumbprint):
    # A thumbprint is a hex SHA-1 digest, so letter case carries no meaning.
    return thumbprint.lower()


def invalid_thumbprints(thumbprints):
    """The entries that are not 40 hexadecimal characters, so the module can say which before any call."""
    return [t for t in thumbprints or [] if not THUMBPRINT_PATTERN.fullmatch(t)]


def desired_thumbprints(current, desired):
    """Return the thumbprint list to send to UpdateOpenIDConnectProviderThumbprint, or None for no change.

    ``None`` or an empty list leaves the thumbprints to IAM: it retrieves the CA thumbprint itself when
    a provider is created without one, and for the well-known providers (GitHub, GitLab, Google, ...)
    it verifies the issuer with its own trusted CAs and ignores thumbprints altogether. A non-empty
    list is the complete set (the API replaces the list, it does not merge).
    """
    if not desired:
        return None
    if {_thumbprint_key(t) for t in current or []} == {_thumbprint_key(t) for t in desired}:
        return None
    return list(desired)


def diff_tags(current, desired, purge):
    """Return (tags_to_set, tag_keys_to_remove). ``desired=None`` means tags are not managed."""
    if desired is None:
        return {}, []
    to_set, to_remove = compare_aws_tags(current or {}, desired, purge_tags=purge)
    return to_set, sorted(to_remove)


def normalize_provider(arn, provider):
    """Turn a GetOpenIDConnectProvider response into the module's snake_case return value."""
    result = boto3_resource_to_ansible_dict(
        {key: value for key, value in provider.items() if key != "ResponseMetadata"}
    )
    result["arn"] = arn
    return result


def comparable_state(provider):
    """The part of a (normalised) provider that the module manages, in a stable order for diff mode."""
    if not provider:
        return {}
    return {
        "url": provider.get("url"),
        "client_id_list": sorted(provider.get("client_id_list") or []),
        "thumbprint_list": sorted(provider.get("thumbprint_list") or []),
        "tags": dict(sorted((provider.get("tags") or {}).items())),
    }


def build_desired_state(current, url, client_ids, thumbprints, tags, purge_client_ids, purge_tags):
    """The provider as it will be after the module runs; ``current`` is the normalised provider or None.

    Used for diff mode and as the return value in check mode, so it follows the same rules as the
    update functions: unmanaged properties keep their current value.
    """
    current = current or {}
    current_client_ids = current.get("client_id_list") or []
    to_add, to_remove = diff_client_ids(current_client_ids, client_ids, purge_client_ids)
    new_client_ids = [c for c in current_client_ids if c not in to_remove] + to_add

    new_thumbprints = desired_thumbprints(current.get("thumbprint_list"), thumbprints)
    if new_thumbprints is None:
        new_thumbprints = current.get("thumbprint_list") or []

    new_tags = dict(current.get("tags") or {})
    tags_to_set, tags_to_remove = diff_tags(new_tags, tags, purge_tags)
    for key in tags_to_remove:
        new_tags.pop(key)
    new_tags.update(tags_to_set)

    desired = dict(current)
    desired.update(
        url=normalize_provider_url(url),
        client_id_list=new_client_ids,
        thumbprint_list=list(new_thumbprints),
        tags=new_tags,
    )
    return desired


@IAMErrorHandler.common_error_handler("list OIDC providers")
def list_provider_arns(client):
    """The ARNs of every OIDC provider of the account (the API is not paginated)."""
    providers = client.list_open_id_connect_providers(aws_retry=True)["OpenIDConnectProviderList"]
    return [provider["Arn"] for provider in providers]


@IAMErrorHandler.list_error_handler("get OIDC provider")
def get_provider(client, arn):
    """The normalised provider, or None if it does not exist."""
    provider = client.get_open_id_connect_provider(OpenIDConnectProviderArn=arn, aws_retry=True)
    return normalize_provider(arn, provider)


def _as_list(value):
    return value if isinstance(value, list) else [value]


def trusts_provider(trust_policy, provider_arn):
    """Whether a role's trust policy (a dict, as boto3 returns it) names the provider (Federated)."""
    for statement in _as_list((trust_policy or {}).get("Statement") or []):
        principal = statement.get("Principal") or {}
        if not isinstance(principal, dict):
            continue
        if provider_arn in _as_list(principal.get("Federated") or []):
            return True
    return False


def roles_trusting_provider(roles, provider_arn, ignored_role_names=()):
    """The ARNs of the roles (ListRoles entries) trusting the provider, but those in ignored_role_names."""
    ignored = set(ignored_role_names or ())
    return sorted(
        role["Arn"]
        for role in roles
        if role["RoleName"] not in ignored
        and trusts_provider(role.get("AssumeRolePolicyDocument"), provider_arn)
    )


@IAMErrorHandler.list_error_handler("list roles", [])
@AWSRetry.jittered_backoff()
def list_roles(client):
    """Every IAM role of the account with its trust policy (ListRoles returns it, one call per 1000 roles)."""
    paginator = client.get_paginator("list_roles")
    return paginator.paginate().build_full_result()["Roles"]
