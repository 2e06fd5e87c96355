#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: s3_bucket_empty
version_added: 0.1.0
short_description: Delete every object version and delete marker of an S3 bucket
description:
  - Empties an S3 bucket, versioned or not, so that it can be deleted, for example with
    M(amazon.aws.s3_bucket) O(amazon.aws.s3_bucket#module:state=absent).
  - Deletes every version by its VersionId, C(null) included. M(amazon.aws.s3_bucket) with
    O(amazon.aws.s3_bucket#module:force=true) drops C(VersionId=null) from its delete requests, so on a
    versioned bucket that holds a version written while versioning was off or suspended it only adds a
    delete marker, and deleting the bucket then fails with C(BucketNotEmpty).
  - A bucket that does not exist is already empty (nothing changes).
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  name:
    description:
      - The bucket's name.
    type: str
    required: true
notes:
  - "IAM permissions: C(s3:ListBucketVersions), C(s3:DeleteObject), C(s3:DeleteObjectVersion)."
  - Objects under S3 Object Lock retention or legal hold are not deleted; the module then fails and names
    them.
seealso:
  - module: amazon.aws.s3_bucket
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: Lists the versions and returns their counts; deletes nothing.
  diff_mode:
    description: >-
      Will return details on what has changed (or possibly needs changing in diff mode) when in diff mode.
    support: full
    details: The diff shows the numbers of versions and delete markers before and after.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Empty the state bucket, every version included
  ecommerce_demo.platform.s3_bucket_empty:
    name: ecommerce-demo-tfstate-123456789012-us-east-1

- name: Then delete it
  amazon.aws.s3_bucket:
    name: ecommerce-demo-tfstate-123456789012-us-east-1
    state: absent
"""

RETURN = r"""
versions:
  description:
    - How many object versions the bucket held (C(null) versions included) and the module deleted.
    - In check mode, how many it would delete.
  returned: always
  type: int
  sample: 12
delete_markers:
  description:
    - How many delete markers the bucket held and the module deleted.
    - In check mode, how many it would delete.
  returned: always
  type: int
  sample: 3
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.errors import ErrorHandler
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.errors import fail_with_aws_error
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.errors import retry_decorator
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.s3_versions import delete_batches
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.s3_versions import object_versions

ACCESS_HINT = "Emptying a bucket needs s3:ListBucketVersions, s3:DeleteObject and s3:DeleteObjectVersion."


@ErrorHandler.list_error_handler("list the object versions", None)
def list_versions(client, bucket, retry):
    result = paginated_query_with_retries(
        client, "list_object_versions", retry_decorator=retry, Bucket=bucket
    )
    return object_versions([result])


@ErrorHandler.common_error_handler("delete the object versions")
def delete_versions(client, bucket, objects):
    errors = []
    for batch in delete_batches(objects):
        errors += client.delete_objects(Bucket=bucket, Delete=batch, aws_retry=True).get("Errors", [])
    return errors


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(name=dict(type="str", required=True)), supports_check_mode=True
    )
    bucket = module.params["name"]
    retry = retry_decorator()
    client = module.client("s3", retry_decorator=retry)
    try:
        listed = list_versions(client, bucket, retry)
        versions, markers = listed if listed is not None else ([], [])
        changed = bool(versions or markers)
        errors = []
        if changed and not module.check_mode:
            errors = delete_versions(client, bucket, versions + markers)
    except AnsibleAWSError as e:
        fail_with_aws_error(module, e, ACCESS_HINT)
    if errors:
        shown = ", ".join(f"{e['Key']}@{e.get('VersionId')} ({e.get('Code')})" for e in errors[:10])
        module.fail_json(
            msg=f"Could not delete {len(errors)} object version(s) of {bucket}: {shown}", errors=errors
        )

    counts = {"versions": len(versions), "delete_markers": len(markers)}
    result = {"changed": changed, **counts}
    if module._diff:
        result["diff"] = {"before": counts, "after": {"versions": 0, "delete_markers": 0}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
