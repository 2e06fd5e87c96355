#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_distribution_oac
version_added: 0.1.0
short_description: CloudFront in front of a private S3 assets bucket (origin access control) and an ALB
description:
  - Manages, as one unit, three things that only work together.
  - The private, encrypted, versioned assets bucket, whose bucket policy admits only this distribution
    (through origin access control, condition C(AWS:SourceArn)).
  - The origin access control (OAC) CloudFront signs its requests to the bucket with.
  - The distribution. The static paths (O(static_path_patterns)) come from the bucket, cached long and
    compressed. With O(alb_hostname), the ALB is the default origin and the origin of C(/api/*), neither
    cached, with every header (but Host), cookie and query string forwarded. Without it (the ALB does
    not exist yet) the bucket is the only origin and the default behaviour; no placeholder origin is made.
  - Viewers are redirected from HTTP to HTTPS everywhere.
  - Idempotent (the wanted config is compared as a subset of the one AWS returns, so AWS's defaults are
    no change), check mode and diff (the managed part of the config, the bucket's settings and policy).
  - The distribution is found by its O(comment), which must be unique in the account; it is also the
    caller reference at creation.
  - With O(state=absent) the distribution is disabled, waited for, and deleted; then the OAC; then every
    object version and delete marker of the bucket, and the bucket.
  - C(community.aws.cloudfront_distribution) reports a change on every run and has no origin access control;
    C(amazon.aws.s3_bucket) has no check mode.
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  comment:
    description: The distribution's comment, by which it is found; unique in the account.
    type: str
    required: true
  state:
    description: V(present) creates or updates; V(absent) deletes the distribution, the OAC and the bucket.
    type: str
    choices: [present, absent]
    default: present
  assets_bucket:
    description: Name of the private assets bucket (created if missing).
    type: str
    required: true
  origin_access_control_name:
    description: Name of the origin access control (unique in the account); defaults to O(comment).
    type: str
  alb_hostname:
    description: DNS name of the ALB (the app's Ingress address); empty until it exists.
    type: str
    default: ""
  keep_alb_origin:
    description:
      - With an empty O(alb_hostname), keep the ALB origin (and the behaviours that use it) that the
        distribution already has, instead of removing it. A phase that runs before the ALB is known (the
        services phase) then leaves alone what a later phase (the app) added.
    type: bool
    default: false
  alb_origin_protocol_policy:
    description:
      - How CloudFront talks to the ALB. V(http-only) by default, since an ALB's own DNS name cannot carry a
        certificate CloudFront would accept; V(https-only) once the ALB serves a certificate for its name.
    type: str
    choices: [http-only, https-only, match-viewer]
    default: http-only
  static_path_patterns:
    description: Paths served from the bucket, cached long and compressed.
    type: list
    elements: str
    default: ["/static/*"]
  price_class:
    description: Edge locations used (V(PriceClass_100) is North America and Europe, the cheapest).
    type: str
    choices: [PriceClass_100, PriceClass_200, PriceClass_All]
    default: PriceClass_100
  enabled:
    description: Whether the distribution serves requests.
    type: bool
    default: true
  default_root_object:
    description: Object returned for C(/); empty passes C(/) to the default origin.
    type: str
    default: ""
  tags:
    description: Tags of the distribution and the bucket, set at creation (an OAC cannot be tagged).
    type: dict
    default: {}
  purge_tags:
    description: Remove tags not in O(tags).
    type: bool
    default: true
  wait:
    description:
      - Wait until the distribution is deployed. V(false) starts the change and returns; a later call with
        V(true) does the waiting. Deletion always waits for the disabled distribution to be deployed.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait before failing with a message naming the distribution and its status.
    type: int
    default: 1800
notes:
  - "IAM permissions: C(cloudfront:ListDistributions), C(cloudfront:GetDistribution),
    C(cloudfront:GetDistributionConfig), C(cloudfront:CreateDistributionWithTags),
    C(cloudfront:UpdateDistribution), C(cloudfront:DeleteDistribution),
    C(cloudfront:ListTagsForResource), C(cloudfront:TagResource), C(cloudfront:UntagResource),
    C(cloudfront:ListOriginAccessControls), C(cloudfront:GetOriginAccessControl),
    C(cloudfront:CreateOriginAccessControl), C(cloudfront:UpdateOriginAccessControl),
    C(cloudfront:DeleteOriginAccessControl); C(s3:CreateBucket), C(s3:ListBucket),
    C(s3:GetEncryptionConfiguration), C(s3:PutEncryptionConfiguration), C(s3:GetBucketPublicAccessBlock),
    C(s3:PutBucketPublicAccessBlock), C(s3:GetBucketOwnershipControls), C(s3:PutBucketOwnershipControls),
    C(s3:GetBucketVersioning), C(s3:PutBucketVersioning), C(s3:GetBucketTagging), C(s3:PutBucketTagging),
    C(s3:GetBucketPolicy), C(s3:PutBucketPolicy), C(s3:ListBucketVersions), C(s3:DeleteObjectVersion),
    C(s3:DeleteBucket)."
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: >-
      Will return details on what has changed (or possibly needs changing in diff mode) when in diff mode.
    support: full
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The CDN before the ALB exists (assets only), started without waiting
  ecommerce_demo.platform.cloudfront_distribution_oac:
    comment: ecommerce-demo-cdn
    assets_bucket: ecommerce-demo-assets-123456789012
    price_class: PriceClass_100
    tags: "{{ project_tags }}"

- name: Second pass, once the Ingress has an address
  ecommerce_demo.platform.cloudfront_distribution_oac:
    comment: ecommerce-demo-cdn
    assets_bucket: ecommerce-demo-assets-123456789012
    alb_hostname: k8s-storefront-1234567890.us-east-1.elb.amazonaws.com
    tags: "{{ project_tags }}"
    wait: true

- name: Delete the distribution, its OAC and the bucket with every object version
  ecommerce_demo.platform.cloudfront_distribution_oac:
    comment: ecommerce-demo-cdn
    assets_bucket: ecommerce-demo-assets-123456789012
    state: absent
"""

RETURN = r"""
distribution:
  description: The distribution after the module ran (in check mode, as it would be); empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Distribution id; empty in check mode for a distribution that would be created.
      returned: when present
      type: str
      sample: E2QWRUHAPOMQZL
    arn:
      description: ARN of the distribution.
      returned: when present
      type: str
      sample: arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL
    domain_name:
      description: The C(*.cloudfront.net) name viewers use.
      returned: when present
      type: str
      sample: d111111abcdef8.cloudfront.net
    status:
      description: C(InProgress) while a change deploys, then C(Deployed).
      returned: when present
      type: str
      sample: Deployed
    enabled:
      description: Whether it serves requests.
      returned: when present
      type: bool
      sample: true
    price_class:
      description: Price class.
      returned: when present
      type: str
      sample: PriceClass_100
    origin_ids:
      description: Ids of its origins (C(assets-s3), and C(app-alb) once the ALB is known).
      returned: when present
      type: list
      elements: str
      sample: ["assets-s3", "app-alb"]
    alb_hostname:
      description:
        - The DNS name of its ALB origin, empty when it has none. With O(keep_alb_origin) and an empty
          O(alb_hostname), the distribution was converged exactly as a run with this O(alb_hostname) would
          leave it.
      returned: when present
      type: str
      sample: k8s-storefront-1234567890.us-east-1.elb.amazonaws.com
origin_access_control:
  description: The origin access control.
  returned: always
  type: dict
  contains:
    id:
      description: Its id; empty in check mode when it would be created.
      returned: when present
      type: str
      sample: E1A2B3C4D5E6F7
    name:
      description: Its name.
      returned: when present
      type: str
      sample: ecommerce-demo-cdn
assets_bucket:
  description: The assets bucket.
  returned: always
  type: dict
  contains:
    name:
      description: Bucket name.
      returned: when present
      type: str
      sample: ecommerce-demo-assets-123456789012
    arn:
      description: Bucket ARN.
      returned: when present
      type: str
      sample: arn:aws:s3:::ecommerce-demo-assets-123456789012
    regional_domain_name:
      description: The name CloudFront reaches it by.
      returned: when present
      type: str
      sample: ecommerce-demo-assets-123456789012.s3.us-east-1.amazonaws.com
"""

import json
import time

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.ecommerce_demo.platform.plugins.module_utils import cloudfront as cf
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.waits import poll_delays

Handler = cf.CloudFrontErrorHandler


class ModuleFailure(Exception):
    pass


# --- CloudFront reads and writes ----------------------------------------------------------------------


@Handler.common_error_handler("list distributions")
def find_distribution_id(client, comment):
    paginator = client.get_paginator("list_distributions")
    for page in paginator.paginate():
        for summary in page["DistributionList"].get("Items", []) or []:
            if summary.get("Comment") == comment:
                return summary["Id"]
    return None


@Handler.list_error_handler("get distribution")
def get_distribution(client, dist_id):
    response = client.get_distribution(Id=dist_id, aws_retry=True)
    return response["Distribution"], response["ETag"]


@Handler.common_error_handler("list tags of distribution")
def distribution_tags(client, arn):
    items = client.list_tags_for_resource(Resource=arn, aws_retry=True)["Tags"].get("Items", [])
    return boto3_tag_list_to_ansible_dict(items)


@Handler.common_error_handler("create distribution")
def create_distribution(client, config, tags):
    response = client.create_distribution_with_tags(
        DistributionConfigWithTags={
            "DistributionConfig": config,
            "Tags": {"Items": ansible_dict_to_boto3_tag_list(tags)},
        },
        aws_retry=True,
    )
    return response["Distribution"], response["ETag"]


@Handler.common_error_handler("update distribution")
def update_distribution(client, dist_id, config, etag):
    response = client.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=config, aws_retry=True)
    return response["Distribution"], response["ETag"]


@Handler.deletion_error_handler("delete distribution")
def delete_distribution(client, dist_id, etag):
    client.delete_distribution(Id=dist_id, IfMatch=etag, aws_retry=True)


@Handler.common_error_handler("tag distribution")
def tag_distribution(client, arn, tags):
    client.tag_resource(Resource=arn, Tags={"Items": ansible_dict_to_boto3_tag_list(tags)}, aws_retry=True)


@Handler.common_error_handler("untag distribution")
def untag_distribution(client, arn, keys):
    client.untag_resource(Resource=arn, TagKeys={"Items": keys}, aws_retry=True)


@Handler.common_error_handler("list origin access controls")
def find_oac(client, name):
    paginator = client.get_paginator("list_origin_access_controls")
    for page in paginator.paginate():
        for summary in page["OriginAccessControlList"].get("Items", []) or []:
            if summary.get("Name") == name:
                return summary
    return None


@Handler.common_error_handler("create origin access control")
def create_oac(client, config):
    return client.create_origin_access_control(OriginAccessControlConfig=config, aws_retry=True)[
        "OriginAccessControl"
    ]


@Handler.common_error_handler("update origin access control")
def update_oac(client, oac_id, config):
    etag = client.get_origin_access_control(Id=oac_id, aws_retry=True)["ETag"]
    client.update_origin_access_control(
        Id=oac_id, IfMatch=etag, OriginAccessControlConfig=config, aws_retry=True
    )


@Handler.deletion_error_handler("delete origin access control")
def delete_oac(client, oac_id):
    etag = client.get_origin_access_control(Id=oac_id, aws_retry=True)["ETag"]
    client.delete_origin_access_control(Id=oac_id, IfMatch=etag, aws_retry=True)


def wait_deployed(client, dist_id, timeout, sleep=time.sleep):
    status = None
    for delay in [0, *poll_delays(timeout)]:
        sleep(delay)
        found = get_distribution(client, dist_id)
        if found is None:
            raise ModuleFailure(f"Distribution {dist_id} disappeared while waiting for it to be deployed")
        status = found[0]["Status"]
        if status == "Deployed":
            return found
    raise ModuleFailure(
        f"Timed out after {timeout} s waiting for CloudFront distribution {dist_id} to be deployed "
        f"(last status: {status}); raise wait_timeout, deployments can take 15 minutes"
    )


# --- the bucket ---------------------------------------------------------------------------------------


def _s3_read(call, missing_codes, **kwargs):
    """An S3 Get* call; None when the setting is absent (AWS answers with an error code for that)."""
    try:
        return call(aws_retry=True, **kwargs)
    except is_boto3_error_code(missing_codes):
        return None


BUCKET_ENCRYPTION = {
    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]
}
BUCKET_PUBLIC_ACCESS_BLOCK = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


class Bucket:
    """Reads and converges the assets bucket's settings, one small function per setting."""

    def __init__(self, client, name, region, check_mode):
        self.client, self.name, self.region, self.check_mode = client, name, region, check_mode

    def exists(self):
        try:
            self.client.head_bucket(Bucket=self.name, aws_retry=True)
            return True
        except is_boto3_error_code(["404", "NoSuchBucket", "NotFound"]):
            return False

    def read(self):
        c, n = self.client, self.name
        encryption = _s3_read(
            c.get_bucket_encryption, ["ServerSideEncryptionConfigurationNotFoundError"], Bucket=n
        )
        block = _s3_read(c.get_public_access_block, ["NoSuchPublicAccessBlockConfiguration"], Bucket=n)
        ownership = _s3_read(c.get_bucket_ownership_controls, ["OwnershipControlsNotFoundError"], Bucket=n)
        tags = _s3_read(c.get_bucket_tagging, ["NoSuchTagSet"], Bucket=n)
        policy = _s3_read(c.get_bucket_policy, ["NoSuchBucketPolicy"], Bucket=n)
        rules = (encryption or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
        return {
            "encryption": rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] if rules else None,
            "public_access_block": (block or {}).get("PublicAccessBlockConfiguration"),
            "object_ownership": ((ownership or {}).get("OwnershipControls", {}).get("Rules") or [{}])[0].get(
                "ObjectOwnership"
            ),
            "versioning": c.get_bucket_versioning(Bucket=n, aws_retry=True).get("Status"),
            "tags": boto3_tag_list_to_ansible_dict((tags or {}).get("TagSet", [])),
            "policy": (policy or {}).get("Policy"),
        }

    @staticmethod
    def wanted(tags):
        return {
            "encryption": "AES256",
            "public_access_block": dict(BUCKET_PUBLIC_ACCESS_BLOCK),
            "object_ownership": "BucketOwnerEnforced",
            "versioning": "Enabled",
            "tags": tags,
        }

    def create(self):
        params = {"Bucket": self.name, "ObjectOwnership": "BucketOwnerEnforced"}
        if self.region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        self.client.create_bucket(aws_retry=True, **params)

    def converge(self, current, wanted, purge_tags):
        """Set what differs (nothing in check mode); True when anything does."""
        c, n, changed = self.client, self.name, False
        if current.get("public_access_block") != wanted["public_access_block"]:
            changed = True
            self.check_mode or c.put_public_access_block(
                Bucket=n, PublicAccessBlockConfiguration=wanted["public_access_block"], aws_retry=True
            )
        if current.get("encryption") != wanted["encryption"]:
            changed = True
            self.check_mode or c.put_bucket_encryption(
                Bucket=n, ServerSideEncryptionConfiguration=BUCKET_ENCRYPTION, aws_retry=True
            )
        if current.get("object_ownership") != wanted["object_ownership"]:
            changed = True
            self.check_mode or c.put_bucket_ownership_controls(
                Bucket=n,
                OwnershipControls={"Rules": [{"ObjectOwnership": wanted["object_ownership"]}]},
                aws_retry=True,
            )
        if current.get("versioning") != wanted["versioning"]:
            changed = True
            self.check_mode or c.put_bucket_versioning(
                Bucket=n, VersioningConfiguration={"Status": wanted["versioning"]}, aws_retry=True
            )
        to_set, to_remove = compare_aws_tags(current.get("tags") or {}, wanted["tags"], purge_tags=purge_tags)
        if to_set or to_remove:
            changed = True
            tags = wanted["tags"] if purge_tags else {**(current.get("tags") or {}), **wanted["tags"]}
            if not self.check_mode:
                if tags:
                    c.put_bucket_tagging(
                        Bucket=n, Tagging={"TagSet": ansible_dict_to_boto3_tag_list(tags)}, aws_retry=True
                    )
                else:
                    c.delete_bucket_tagging(Bucket=n, aws_retry=True)
        return changed

    def put_policy(self, policy):
        self.check_mode or self.client.put_bucket_policy(
            Bucket=self.name, Policy=json.dumps(policy), aws_retry=True
        )

    def empty_and_delete(self):
        """Delete every object version and delete marker ("null" versions included), then the bucket."""
        paginator = self.client.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=self.name):
            entries = cf.versions_to_delete(page)
            for start in range(0, len(entries), 1000):
                self.client.delete_objects(
                    Bucket=self.name,
                    Delete={"Objects": entries[start : start + 1000], "Quiet": True},
                    aws_retry=True,
                )
        self.client.delete_bucket(Bucket=self.name, aws_retry=True)


# --- the two states -----------------------------------------------------------------------------------


def distribution_summary(dist, tags):
    config = dist["DistributionConfig"]
    return {
        "id": dist["Id"],
        "arn": dist["ARN"],
        "domain_name": dist["DomainName"],
        "status": dist["Status"],
        "enabled": config["Enabled"],
        "price_class": config.get("PriceClass"),
        "origin_ids": [o["Id"] for o in config["Origins"].get("Items", [])],
        "alb_hostname": cf.alb_hostname_of(config),
        "tags": tags,
    }


def present(module, cloudfront, s3, region, partition):
    p, check = module.params, module.check_mode
    changed, diff_before, diff_after = False, {}, {}
    oac_name = p["origin_access_control_name"] or p["comment"]
    bucket = Bucket(s3, p["assets_bucket"], region, check)
    bucket_wanted = Bucket.wanted(p["tags"])

    # 1. The bucket: private and encrypted before anything can point at it.
    if bucket.exists():
        bucket_current = bucket.read()
    else:
        bucket_current = {}
        if not check:
            bucket.create()
    changed |= bucket.converge(bucket_current, bucket_wanted, p["purge_tags"])
    diff_before["assets_bucket"] = {k: v for k, v in bucket_current.items() if k != "policy"}
    diff_after["assets_bucket"] = bucket_wanted

    # 2. The origin access control.
    wanted_oac = cf.oac_config(oac_name, f"CloudFront reads {p['assets_bucket']} for {p['comment']}")
    oac = find_oac(cloudfront, oac_name)
    oac_id = oac["Id"] if oac else ""
    if oac is None:
        changed = True
        if not check:
            oac_id = create_oac(cloudfront, wanted_oac)["Id"]
    else:
        current_oac = {
            "Name": oac["Name"],
            "Description": oac.get("Description", ""),
            "SigningProtocol": oac["SigningProtocol"],
            "SigningBehavior": oac["SigningBehavior"],
            "OriginAccessControlOriginType": oac["OriginAccessControlOriginType"],
        }
        diff_before["origin_access_control"] = current_oac
        if current_oac != wanted_oac:
            changed = True
            check or update_oac(cloudfront, oac_id, wanted_oac)
    diff_after["origin_access_control"] = wanted_oac

    # 3. The distribution.
    dist_id = find_distribution_id(cloudfront, p["comment"])
    found = get_distribution(cloudfront, dist_id) if dist_id else None
    if found is not None and not p["alb_hostname"] and p["keep_alb_origin"]:
        p = {**p, "alb_hostname": cf.alb_hostname_of(found[0]["DistributionConfig"])}
    wanted = cf.distribution_config(p, region, oac_id or "(created with the origin access control)")
    if found is None:
        changed = True
        diff_before["distribution"] = {}
        summary = {
            "id": "",
            "arn": "",
            "domain_name": "",
            "status": "InProgress",
            "enabled": p["enabled"],
            "price_class": p["price_class"],
            "origin_ids": [o["Id"] for o in wanted["Origins"]["Items"]],
            "alb_hostname": p["alb_hostname"],
            "tags": p["tags"],
        }
        if not check:
            dist, etag = create_distribution(cloudfront, cf.create_config(wanted, p["comment"]), p["tags"])
            summary = distribution_summary(dist, p["tags"])
    else:
        dist, etag = found
        current = dist["DistributionConfig"]
        tags = distribution_tags(cloudfront, dist["ARN"])
        diff_before["distribution"] = {**cf.comparable(cf.project(current, wanted)), "Tags": tags}
        if cf.changed_keys(wanted, current):
            changed = True
            if not check:
                dist, etag = update_distribution(
                    cloudfront, dist["Id"], cf.update_config(current, wanted), etag
                )
        to_set, to_remove = compare_aws_tags(tags, p["tags"], purge_tags=p["purge_tags"])
        if to_set or to_remove:
            changed = True
            if not check:
                if to_remove:
                    untag_distribution(cloudfront, dist["ARN"], to_remove)
                if to_set:
                    tag_distribution(cloudfront, dist["ARN"], to_set)
        summary = distribution_summary(dist, p["tags"] if p["purge_tags"] else {**tags, **p["tags"]})
        if check:
            summary.update(
                enabled=p["enabled"],
                price_class=p["price_class"],
                origin_ids=[o["Id"] for o in wanted["Origins"]["Items"]],
                alb_hostname=p["alb_hostname"],
            )
    diff_after["distribution"] = {**cf.comparable(wanted), "Tags": p["tags"]}

    # 4. The bucket policy: only this distribution, which now has an ARN.
    dist_arn = summary["arn"] or f"arn:{partition}:cloudfront::(account):distribution/(to be created)"
    policy = cf.bucket_policy(p["assets_bucket"], partition, dist_arn)
    current_policy = bucket_current.get("policy")
    diff_before["assets_bucket_policy"] = json.loads(current_policy) if current_policy else {}
    diff_after["assets_bucket_policy"] = policy
    if cf.policy_differs(policy, current_policy):
        changed = True
        if summary["arn"]:
            bucket.put_policy(policy)

    if p["wait"] and not check and summary["status"] != "Deployed":
        dist = wait_deployed(cloudfront, summary["id"], p["wait_timeout"])[0]
        summary["status"] = dist["Status"]

    result = {
        "changed": changed,
        "distribution": summary,
        "origin_access_control": {"id": oac_id, "name": oac_name},
        "assets_bucket": {
            "name": p["assets_bucket"],
            "arn": f"arn:{partition}:s3:::{p['assets_bucket']}",
            "regional_domain_name": cf.bucket_regional_domain_name(p["assets_bucket"], region),
        },
    }
    return result, diff_before, diff_after


def absent(module, cloudfront, s3, region):
    p, check = module.params, module.check_mode
    changed, before = False, {}
    dist_id = find_distribution_id(cloudfront, p["comment"])
    found = get_distribution(cloudfront, dist_id) if dist_id else None
    if found is not None:
        changed = True
        dist, etag = found
        before["distribution"] = {"id": dist["Id"], "enabled": dist["DistributionConfig"]["Enabled"]}
        if not check:
            if dist["DistributionConfig"]["Enabled"]:
                config = cf.disabled_config(dist["DistributionConfig"])
                dist, etag = update_distribution(cloudfront, dist["Id"], config, etag)
            if dist["Status"] != "Deployed":
                dist, etag = wait_deployed(cloudfront, dist["Id"], p["wait_timeout"])
            delete_distribution(cloudfront, dist["Id"], etag)
    oac_name = p["origin_access_control_name"] or p["comment"]
    oac = find_oac(cloudfront, oac_name)
    if oac is not None:
        changed = True
        before["origin_access_control"] = {"id": oac["Id"], "name": oac_name}
        check or delete_oac(cloudfront, oac["Id"])
    bucket = Bucket(s3, p["assets_bucket"], region, check)
    if bucket.exists():
        changed = True
        before["assets_bucket"] = {"name": p["assets_bucket"]}
        check or bucket.empty_and_delete()
    result = {"changed": changed, "distribution": {}, "origin_access_control": {}, "assets_bucket": {}}
    return result, before, {}


def main():
    argument_spec = dict(
        comment=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        assets_bucket=dict(type="str", required=True),
        origin_access_control_name=dict(type="str"),
        alb_hostname=dict(type="str", default=""),
        keep_alb_origin=dict(type="bool", default=False),
        alb_origin_protocol_policy=dict(
            type="str", choices=["http-only", "https-only", "match-viewer"], default="http-only"
        ),
        static_path_patterns=dict(type="list", elements="str", default=["/static/*"]),
        price_class=dict(type="str", choices=list(cf.PRICE_CLASSES), default="PriceClass_100"),
        enabled=dict(type="bool", default=True),
        default_root_object=dict(type="str", default=""),
        tags=dict(type="dict", default={}),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=1800),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    retry = AWSRetry.jittered_backoff()
    cloudfront = module.client("cloudfront", retry_decorator=retry)
    s3 = module.client("s3", retry_decorator=retry)
    region = module.region
    try:
        if module.params["state"] == "present":
            partition = cloudfront.meta.partition
            result, before, after = present(module, cloudfront, s3, region, partition)
        else:
            result, before, after = absent(module, cloudfront, s3, region)
    except ModuleFailure as e:
        module.fail_json(msg=str(e))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="CloudFront or S3 call failed")
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
