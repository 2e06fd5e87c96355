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
  - "IAM permissions: C(s3:ListBucket), C(s3:GetObject) (HeadObject), C(s3:PutObject), and with
    O(purge) C(s3:DeleteObject)."
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: Reads every object's headers and returns the keys it would upload or delete.
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
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.errors import ErrorHandler
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.errors import fail_with_aws_error
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.errors import retry_decorator
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.static_assets import DIGEST_METADATA
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.static_assets import current_object
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.static_assets import needs_upload
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.static_assets import wanted_objects

ACCESS_HINT = "Uploading static assets needs s3:ListBucket, s3:GetObject and s3:PutObject on the bucket."
# HeadObject per key, in parallel: a hundred heads cost one round trip's time, not a hundred.
WORKERS = 16


# A missing bucket answers None: under --check on an empty account the CDN role has not made it yet.
@ErrorHandler.list_error_handler("list the objects", None)
def list_keys(client, bucket, prefix, retry):
    result = paginated_query_with_retries(
        client, "list_objects_v2", retry_decorator=retry, Bucket=bucket, Prefix=prefix
    )
    return {item["Key"] for item in result.get("Contents", [])}


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
        existing = list_keys(client, bucket, prefix, retry)
        if existing is None:
            if not module.check_mode:
                module.fail_json(msg=f"Bucket {bucket} does not exist")
            existing = set()
        present = sorted(key for key in wanted if key in existing)
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            current = dict(pool.map(lambda key: (key, head(client, bucket, key)), present))
        uploads = sorted(key for key in wanted if needs_upload(wanted[key], current.get(key)))
        deletes = sorted(existing - set(wanted)) if module.params["purge"] else []
        if not module.check_mode:
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                list(pool.map(lambda key: upload(client, bucket, key, wanted[key]), uploads))
            if deletes:
                delete(client, bucket, deletes)
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
