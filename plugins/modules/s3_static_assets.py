#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: s3_static_assets
version_added: 0.1.0
short_description: Upload a web application's static files to S3 under plain and content-hashed names
description:
  - Puts every file under O(src) into O(bucket) twice, as C(<prefix><path>) with C(Cache-Control no-cache)
    and as C(<prefix><dir>/<stem>.<8 hex digits of its SHA-256>.<ext>) with
    C(Cache-Control public, max-age=31536000, immutable). These are the names and headers the storefront's
    frontend serves them under, so that CloudFront's C(/static/*) behaviour can serve them from the bucket.
  - Each object carries an explicit C(Content-Type) and its SHA-256 as user metadata; an object is uploaded
    only when it is missing or its digest, content type or cache control differ, so a second run makes
    no write.
  - A converged bucket costs a listing and one read. The module keeps a record of each object's ETag,
    LastModified and settings in the bucket, at C(.s3_static_assets/<prefix>record.json) (outside the
    prefix, so CloudFront's C(/static/*) never serves it), and reads the headers (C(HeadObject)) only of
    the objects not listed exactly as the record saw them. Any write to an object, its headers alone
    included, changes its LastModified, so drift is still found and corrected. The record is rewritten
    when it changes, also on a run that uploads nothing (it then reports no change); never in check mode.
  - Objects under the prefix that are not in O(src) are kept (older hashed names may still be linked by
    cached pages) unless O(purge=true).
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  bucket:
    description: The bucket. It must exist, except in check mode (every object is then to be uploaded).
    type: str
    required: true
  src:
    description: The directory on the host the module runs on; hidden files are skipped.
    type: path
    required: true
  key_prefix:
    description: Prefix of every key, usually the URL path CloudFront routes to the bucket.
    type: str
    default: static/
  purge:
    description: Delete objects under O(key_prefix) that O(src) does not have.
    type: bool
    default: false
notes:
  - "IAM permissions: C(s3:ListBucket), C(s3:GetObject) (HeadObject, and the record), C(s3:PutObject)
    (the objects and the record), and with O(purge) C(s3:DeleteObject)."
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: Reads what a real run reads and returns the keys it would upload or delete.
  diff_mode:
    description: >-
      Will return details on what has changed (or possibly needs changing in diff mode) when in diff mode.
    support: full
    details: The diff lists the keys uploaded and deleted.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Upload the storefront's static assets
  ecommerce_demo.platform.s3_static_assets:
    bucket: ecommerce-demo-assets-123456789012
    src: app/storefront/frontend/static
    key_prefix: static/
"""

RETURN = r"""
objects:
  description: How many objects O(src) gives (two per file).
  returned: always
  type: int
  sample: 120
uploaded:
  description: The keys uploaded (in check mode, that would be).
  returned: always
  type: list
  elements: str
  sample: ["static/app.css", "static/app.3f2a9c1e.css"]
deleted:
  description: The keys deleted with O(purge=true) (in check mode, that would be).
  returned: always
  type: list
  elements: str
  sample: []
"""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.errors import ErrorHandler
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.errors import fail_with_aws_error
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.errors import retry_decorator
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.static_assets import DIGEST_METADATA
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.static_assets import SETTINGS
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.static_assets import current_object
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.static_assets import listing_of
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.static_assets import needs_upload
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.static_assets import new_record
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.static_assets import parse_record
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.static_assets import record_key
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.static_assets import record_text
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.static_assets import vouched_settings
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.static_assets import wanted_objects

ACCESS_HINT = "Uploading static assets needs s3:ListBucket, s3:GetObject and s3:PutObject on the bucket."
# HeadObject per key the record does not vouch for, in parallel: a hundred heads cost one round trip's
# time, not a hundred.
WORKERS = 16
# Listings after an upload, a second apart, until one is made in a later second than every upload.
SETTLE_LISTINGS = 3


def response_seconds(response):
    """The Date of an S3 response in epoch seconds, or 0 when it has none (nothing is then recorded)."""
    date = response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
    return int(parsedate_to_datetime(date).timestamp()) if date else 0


# A missing bucket answers None: under --check on an empty account the CDN role has not made it yet.
@ErrorHandler.list_error_handler("list the objects", None)
def list_objects(client, bucket, prefix):
    """({key: {etag, last_modified}}, the first page's Date in epoch seconds): every page is served at or
    after that second, so an object rewritten after its page was listed has a LastModified from then on."""
    request = {"Bucket": bucket, "Prefix": prefix}
    contents, listed_at = [], None
    while True:
        page = client.list_objects_v2(aws_retry=True, **request)
        listed_at = response_seconds(page) if listed_at is None else listed_at
        contents.extend(page.get("Contents", []))
        if not page.get("IsTruncated"):
            return listing_of(contents), listed_at
        request["ContinuationToken"] = page["NextContinuationToken"]


@ErrorHandler.common_error_handler("read the record of the objects")
def read_record(client, bucket, key):
    try:
        body = client.get_object(Bucket=bucket, Key=key, aws_retry=True)["Body"].read()
    except is_boto3_error_code("NoSuchKey"):
        return {}
    return parse_record(body.decode("utf-8", "replace"))


@ErrorHandler.common_error_handler("write the record of the objects")
def write_record(client, bucket, key, record):
    client.put_object(
        Bucket=bucket,
        Key=key,
        Body=record_text(record).encode(),
        ContentType="application/json",
        CacheControl="no-cache",
        aws_retry=True,
    )


@ErrorHandler.common_error_handler("read an object's headers")
def head(client, bucket, key):
    return current_object(client.head_object(Bucket=bucket, Key=key, aws_retry=True))


@ErrorHandler.common_error_handler("upload an object")
def upload(client, bucket, key, wanted):
    with open(wanted["path"], "rb") as body:
        client.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentType=wanted["content_type"],
            CacheControl=wanted["cache_control"],
            Metadata={DIGEST_METADATA: wanted["sha256"]},
            aws_retry=True,
        )


@ErrorHandler.common_error_handler("delete objects")
def delete(client, bucket, keys):
    for start in range(0, len(keys), 1000):
        batch = [{"Key": key} for key in keys[start : start + 1000]]
        client.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True}, aws_retry=True)


def settled_listing(client, bucket, prefix, written):
    """A listing made in a later second than each of the ``written`` keys' LastModified, so that the record
    can vouch for them: on a run that uploaded, at most a second's wait (a converged bucket never waits)."""
    for attempt in range(SETTLE_LISTINGS):
        listing, listed_at = list_objects(client, bucket, prefix)
        if all(listing.get(key, {}).get("last_modified", 0) < listed_at for key in written):
            break
        if attempt < SETTLE_LISTINGS - 1:
            time.sleep(1)
    return listing, listed_at


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            bucket=dict(type="str", required=True),
            src=dict(type="path", required=True),
            key_prefix=dict(type="str", default="static/", no_log=False),
            purge=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    bucket, src, prefix = module.params["bucket"], module.params["src"], module.params["key_prefix"]
    if not os.path.isdir(src):
        module.fail_json(msg=f"src {src} is not a directory")
    wanted = wanted_objects(src, prefix)
    retry = retry_decorator()
    client = module.client("s3", retry_decorator=retry)
    try:
        listed = list_objects(client, bucket, prefix)
        if listed is None:
            if not module.check_mode:
                module.fail_json(msg=f"Bucket {bucket} does not exist")
            listed = ({}, 0)
        listing, listed_at = listed
        present = sorted(key for key in wanted if key in listing)
        record = read_record(client, bucket, record_key(prefix)) if present else {}
        vouched = vouched_settings(record, listing)
        unknown = [key for key in present if key not in vouched]
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            current = dict(pool.map(lambda key: (key, head(client, bucket, key)), unknown))
        current.update((key, vouched[key]) for key in present if key in vouched)
        uploads = sorted(key for key in wanted if needs_upload(wanted[key], current.get(key)))
        deletes = sorted(set(listing) - set(wanted)) if module.params["purge"] else []
        if not module.check_mode:
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                list(pool.map(lambda key: upload(client, bucket, key, wanted[key]), uploads))
            if deletes:
                delete(client, bucket, deletes)
            if uploads or deletes:
                listing, listed_at = settled_listing(client, bucket, prefix, uploads)
            # Every wanted object now has the wanted settings; the record is written only when it changes.
            settings = {key: {name: wanted[key][name] for name in SETTINGS} for key in wanted}
            recorded = new_record(listing, listed_at, settings)
            if recorded["objects"] != record.get("objects"):
                write_record(client, bucket, record_key(prefix), recorded)
    except AnsibleAWSError as e:
        fail_with_aws_error(module, e, ACCESS_HINT)

    result = {
        "changed": bool(uploads or deletes),
        "objects": len(wanted),
        "uploaded": uploads,
        "deleted": deletes,
    }
    if module._diff:
        result["diff"] = {
            "before": {"missing_or_different": uploads, "extra": deletes},
            "after": {"missing_or_different": [], "extra": []},
        }
    module.exit_json(**result)


if __name__ == "__main__":
    main()
