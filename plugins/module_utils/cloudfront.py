# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure logic of the cloudfront_distribution_oac module: the distribution config it wants, the comparison
with the one AWS returns (which carries many defaults the module does not set), the config sent on update,
and the assets bucket's policy. No AWS calls; unit-tested.

Why comparing is the hard part: GetDistributionConfig returns every field with its default, reorders
method lists, and keeps fields the module never set. community.aws.cloudfront_distribution compares its
partial config with that full one and reports a change on every run. Here the wanted config is compared
as a subset of the current one: dicts key by key, lists of scalars as sets, lists of origins and cache
behaviours matched by Id / PathPattern.
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

# AWS managed policies (their ids are the same in every account).
# Static assets: hashed names, so cache long (1 day default, 1 year max), gzip and brotli.
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
# The API and the pages (they carry the visitor's cart cookie): never cached.
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
# Forward every viewer header, cookie and query string except Host: the ALB gets its own host name
# (what its listener and any TLS certificate expect), the app gets everything else.
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"

ASSETS_ORIGIN_ID = "assets-s3"
ALB_ORIGIN_ID = "app-alb"
API_PATH_PATTERN = "/api/*"
ALL_METHODS = ("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE")
READ_METHODS = ("GET", "HEAD")
# The keys of a DistributionConfig this module decides; every other key keeps what AWS has.
MANAGED_KEYS = (
    "Comment",
    "Enabled",
    "PriceClass",
    "HttpVersion",
    "IsIPV6Enabled",
    "DefaultRootObject",
    "Origins",
    "DefaultCacheBehavior",
    "CacheBehaviors",
)
PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")


class CloudFrontErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleAWSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(["NoSuchDistribution", "NoSuchOriginAccessControl", "NoSuchBucket", "404"])


def _items(values):
    values = list(values)
    return {"Quantity": len(values), "Items": values} if values else {"Quantity": 0}


def _methods(allowed, cached=READ_METHODS):
    return {"Quantity": len(allowed), "Items": list(allowed), "CachedMethods": _items(cached)}


def bucket_regional_domain_name(bucket, region):
    """The S3 origin domain name of a bucket: the regional one, which works from the first minute."""
    return f"{bucket}.s3.{region}.amazonaws.com"


def s3_origin(bucket, region, oac_id):
    return {
        "Id": ASSETS_ORIGIN_ID,
        "DomainName": bucket_regional_domain_name(bucket, region),
        "OriginPath": "",
        # With origin access control the legacy identity must be empty.
        "S3OriginConfig": {"OriginAccessIdentity": ""},
        "OriginAccessControlId": oac_id or "",
    }


def alb_origin(hostname, protocol_policy):
    return {
        "Id": ALB_ORIGIN_ID,
        "DomainName": hostname,
        "OriginPath": "",
        "CustomOriginConfig": {
            "HTTPPort": 80,
            "HTTPSPort": 443,
            "OriginProtocolPolicy": protocol_policy,
            "OriginSslProtocols": _items(["TLSv1.2"]),
            "OriginReadTimeout": 30,
            "OriginKeepaliveTimeout": 5,
        },
    }


def _behavior(origin_id, cache_policy, origin_request_policy=None, methods=READ_METHODS, path=None):
    behavior = {
        "TargetOriginId": origin_id,
        "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": _methods(methods),
        "Compress": True,
        "CachePolicyId": cache_policy,
    }
    if origin_request_policy:
        behavior["OriginRequestPolicyId"] = origin_request_policy
    if path:
        behavior = {"PathPattern": path, **behavior}
    return behavior


def alb_hostname_of(config):
    """The DNS name of the ALB origin of a DistributionConfig, or "" when it has none."""
    for origin in (config.get("Origins") or {}).get("Items") or []:
        if origin.get("Id") == ALB_ORIGIN_ID:
            return origin.get("DomainName", "")
    return ""


def distribution_config(params, region, oac_id):
    """The DistributionConfig keys this module manages (MANAGED_KEYS), from the module's parameters.

    Before the ALB exists (``alb_hostname`` empty) the distribution has the assets bucket as its only
    origin and default behaviour: nothing points at a placeholder, and the API path is simply not routed
    yet. Once the ALB hostname is known, the ALB becomes the default origin (pages, not cached) and the
    origin of ``/api/*`` (never cached, everything forwarded), and the static paths stay on S3.
    """
    origins = [s3_origin(params["assets_bucket"], region, oac_id)]
    static = [_behavior(ASSETS_ORIGIN_ID, CACHING_OPTIMIZED, path=p) for p in params["static_path_patterns"]]
    if params.get("alb_hostname"):
        origins.append(alb_origin(params["alb_hostname"], params["alb_origin_protocol_policy"]))
        default = _behavior(ALB_ORIGIN_ID, CACHING_DISABLED, ALL_VIEWER_EXCEPT_HOST_HEADER, ALL_METHODS)
        api = [
            _behavior(
                ALB_ORIGIN_ID, CACHING_DISABLED, ALL_VIEWER_EXCEPT_HOST_HEADER, ALL_METHODS, API_PATH_PATTERN
            )
        ]
        behaviors = api + static
    else:
        default = _behavior(ASSETS_ORIGIN_ID, CACHING_OPTIMIZED)
        behaviors = static
    return {
        "Comment": params["comment"],
        "Enabled": params["enabled"],
        "PriceClass": params["price_class"],
        "HttpVersion": "http2and3",
        "IsIPV6Enabled": True,
        "DefaultRootObject": params.get("default_root_object") or "",
        "Origins": _items(origins),
        "DefaultCacheBehavior": default,
        "CacheBehaviors": _items(behaviors),
    }


def _identity(item):
    if isinstance(item, dict):
        for key in ("Id", "PathPattern"):
            if key in item:
                return (key, item[key])
    return None


def is_subset(wanted, current):
    """True when everything in ``wanted`` is in ``current`` (see the module docstring for the rules)."""
    if isinstance(wanted, dict):
        if not isinstance(current, dict):
            return False
        return all(key in current and is_subset(value, current[key]) for key, value in wanted.items())
    if isinstance(wanted, list):
        if not isinstance(current, list) or len(wanted) != len(current):
            return False
        if all(not isinstance(v, (dict, list)) for v in wanted):
            return sorted(map(str, wanted)) == sorted(map(str, current))
        by_identity = {_identity(item): item for item in current if _identity(item)}
        for position, item in enumerate(wanted):
            match = by_identity.get(_identity(item)) if _identity(item) else current[position]
            if match is None or not is_subset(item, match):
                return False
        return True
    return wanted == current


def changed_keys(wanted, current):
    """The managed top-level keys whose wanted value is not in the current config."""
    return [
        key for key in MANAGED_KEYS if key in wanted and not is_subset(wanted[key], (current or {}).get(key))
    ]


def project(current, wanted):
    """``current`` cut down to the shape of ``wanted``: what a diff shows of the current config."""
    if isinstance(wanted, dict) and isinstance(current, dict):
        return {key: project(current.get(key), value) for key, value in wanted.items() if key in current}
    if isinstance(wanted, list) and isinstance(current, list):
        if all(not isinstance(v, (dict, list)) for v in wanted):
            return (
                sorted(current, key=str) if sorted(map(str, wanted)) == sorted(map(str, current)) else current
            )
        template = wanted[0] if wanted else None
        by_identity = {_identity(item): item for item in wanted if _identity(item)}
        return [project(item, by_identity.get(_identity(item), template)) for item in current]
    return current


def comparable(config):
    """A config with lists of scalars sorted, so that a diff shows real differences only."""
    if isinstance(config, dict):
        return {key: comparable(value) for key, value in config.items()}
    if isinstance(config, list):
        if all(not isinstance(v, (dict, list)) for v in config):
            return sorted(config, key=str)
        return [comparable(v) for v in config]
    return config


def update_config(current, wanted):
    """The full DistributionConfig UpdateDistribution needs: the current one, managed keys replaced."""
    return {**current, **wanted}


def create_config(wanted, caller_reference):
    return {"CallerReference": caller_reference, **wanted}


def disabled_config(current):
    return {**current, "Enabled": False}


def oac_config(name, description):
    return {
        "Name": name,
        "Description": description,
        "SigningProtocol": "sigv4",
        # Sign every request, and overwrite an Authorization header a viewer may send.
        "SigningBehavior": "always",
        "OriginAccessControlOriginType": "s3",
    }


def bucket_policy(bucket, partition, distribution_arn):
    """Only CloudFront, on behalf of this one distribution (AWS:SourceArn), may read objects; and nobody
    reaches the bucket without TLS."""
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket_arn, f"{bucket_arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "AllowCloudFrontReadThroughOriginAccessControl",
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject",
                "Resource": f"arn:{partition}:s3:::{bucket}/*",
                "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
            },
        ],
    }


def policy_differs(wanted, current_json):
    """Whether the bucket's policy (JSON text, or None) differs from ``wanted`` (a dict)."""
    if not current_json:
        return True
    try:
        current = json.loads(current_json)
    except ValueError:
        return True
    return comparable(_normalize_policy(current)) != comparable(_normalize_policy(wanted))


def _normalize_policy(policy):
    """Policies as AWS returns them: a statement's single-element lists may come back as strings."""

    def norm(value):
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list):
            return norm(value[0]) if len(value) == 1 else [norm(v) for v in value]
        return value

    policy = dict(policy)
    policy.pop("Id", None)
    return norm(policy)


def versions_to_delete(listing):
    """Delete-objects entries for every version and delete marker of a ListObjectVersions page.

    The version id is always passed, "null" included: a "null" version (written while versioning was off)
    is otherwise left behind and the bucket cannot be deleted.
    """
    entries = listing.get("Versions", []) + listing.get("DeleteMarkers", [])
    return [{"Key": e["Key"], "VersionId": e["VersionId"]} for e in entries]


def price_class_error(price_class):
    if price_class in PRICE_CLASSES:
        return None
    return f"'{price_class}' is not one of {', '.join(PRICE_CLASSES)}"
