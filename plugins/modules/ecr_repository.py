#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ecr_repository
version_added: 0.2.0
short_description: Manage an ECR repository, tagged at creation, with a check mode that predicts every change
description:
  - Create, update or delete an Amazon ECR repository with its tag mutability, scan on push, encryption,
    lifecycle policy and tags.
  - The repository is created with its tags in the same C(CreateRepository) call, so it is never
    untagged, not even for a moment.
  - In check mode it reports every change a real run would make, with a diff, also for a repository
    that does not exist yet. M(community.aws.ecs_ecr) cannot tag a repository and returns C(skipped)
    in check mode for changes it would make; this module replaces it for these settings.
  - Repository policies and replication are not managed.
  - With O(names) one invocation manages several repositories with the same settings, each read once,
    instead of one module run per repository.
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  name:
    description:
      - The name of the repository, for example V(ecommerce-demo/backend). Give either this or O(names).
    type: str
  names:
    description:
      - Several repositories, each with every setting below. Give either this or O(name).
    type: list
    elements: str
  state:
    description:
      - Whether the repository should exist.
    type: str
    choices: [present, absent]
    default: present
  image_tag_mutability:
    description:
      - V(immutable) forbids pushing a tag that already exists; V(mutable) allows moving tags.
      - If not set, a new repository is mutable (the AWS default) and an existing one keeps its setting.
    type: str
    choices: [mutable, immutable]
  scan_on_push:
    description:
      - Scan each pushed image for known vulnerabilities (basic scanning).
      - If not set, a new repository does not scan and an existing one keeps its setting.
    type: bool
  encryption_type:
    description:
      - Encryption at rest of a new repository. AWS cannot change it later; the module fails when an
        existing repository has another one.
      - If not set, a new repository uses V(AES256) and an existing one is not checked.
    type: str
    choices: [AES256, KMS]
  kms_key:
    description:
      - With O(encryption_type=KMS), the full ARN of the KMS key (AWS reports the key by ARN).
      - If not set, ECR uses the AWS managed key C(aws/ecr).
    type: str
  lifecycle_policy:
    description:
      - The lifecycle policy, as a dictionary with the key C(rules).
      - If not set, the policy is not modified; V({}) removes it.
    type: dict
  force_absent:
    description:
      - With O(state=absent), delete a repository that still holds images (they are lost).
    type: bool
    default: false
notes:
  - Requires the IAM permissions C(ecr:DescribeRepositories), C(ecr:GetLifecyclePolicy),
    C(ecr:ListTagsForResource) and, to change things, C(ecr:CreateRepository), C(ecr:TagResource)
    (also needed by C(CreateRepository) with tags), C(ecr:UntagResource), C(ecr:PutImageTagMutability),
    C(ecr:PutImageScanningConfiguration), C(ecr:PutLifecyclePolicy), C(ecr:DeleteLifecyclePolicy)
    and C(ecr:DeleteRepository).
seealso:
  - module: community.aws.ecs_ecr
  - module: ecommerce_demo.platform.ecr_tags
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode),
      when in diff mode.
    support: full
    details:
      - The diff shows tag mutability, scan on push, encryption, the lifecycle policy and the tags.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: An immutable, scanned repository whose untagged images expire after a week
  ecommerce_demo.platform.ecr_repository:
    name: ecommerce-demo/backend
    image_tag_mutability: immutable
    scan_on_push: true
    lifecycle_policy:
      rules:
        - rulePriority: 1
          description: Expire untagged images
          selection:
            tagStatus: untagged
            countType: sinceImagePushed
            countUnit: days
            countNumber: 7
          action:
            type: expire
    tags:
      Project: ecommerce-demo
      Environment: production

- name: Two repositories with the same settings, in one run
  ecommerce_demo.platform.ecr_repository:
    names:
      - ecommerce-demo/backend
      - ecommerce-demo/frontend
    scan_on_push: true
    tags:
      Project: ecommerce-demo

- name: Delete a repository and the images in it
  ecommerce_demo.platform.ecr_repository:
    name: ecommerce-demo/backend
    state: absent
    force_absent: true
"""

RETURN = r"""
repositories:
  description:
    - With O(names), one entry per repository, in the order of O(names), with the keys RV(repository),
      RV(created), RV(lifecycle_policy) and RV(tags) describe, its own C(changed), and C(name).
    - With O(names), the diff has the repositories by name, before and after.
  returned: when O(names) is given
  type: list
  elements: dict
  sample: [{"name": "ecommerce-demo/backend", "changed": false, "created": false, "tags": {}}]
repository:
  description:
    - The repository after the module ran (in check mode, as it would be), with snake_case keys as
      C(DescribeRepositories) returns them.
  returned: when O(state=present)
  type: dict
  contains:
    repository_name:
      description: The name of the repository.
      returned: always
      type: str
      sample: ecommerce-demo/backend
    repository_arn:
      description: The ARN of the repository.
      returned: when the repository exists; not in check mode when it would be created
      type: str
      sample: arn:aws:ecr:us-east-1:123456789012:repository/ecommerce-demo/backend
    repository_uri:
      description: The URI to push to and pull from.
      returned: when the repository exists; not in check mode when it would be created
      type: str
      sample: 123456789012.dkr.ecr.us-east-1.amazonaws.com/ecommerce-demo/backend
    image_tag_mutability:
      description: V(MUTABLE) or V(IMMUTABLE).
      returned: always
      type: str
      sample: IMMUTABLE
created:
  description: Whether the repository was (in check mode, would be) created.
  returned: always
  type: bool
  sample: false
lifecycle_policy:
  description: The lifecycle policy after the module ran (in check mode, as it would be); null for none.
  returned: when O(state=present)
  type: dict
  sample: {"rules": [{"rulePriority": 1, "action": {"type": "expire"}}]}
tags:
  description: The tags of the repository after the module ran (in check mode, as they would be).
  returned: when O(state=present)
  type: dict
  sample: {"Project": "ecommerce-demo", "Environment": "production"}
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.transformation import boto3_resource_to_ansible_dict

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.ecr import ECRErrorHandler
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.ecr import describe_repository
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.ecr import encryption_conflict
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.ecr import get_lifecycle_policy
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.ecr import get_tags
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.ecr import lifecycle_policy_change
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.ecr import predicted_state
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.ecr import settings_from_aws
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.ecr import state_of
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.ecr import tags_change


class EncryptionConflict(Exception):
    pass


@ECRErrorHandler.common_error_handler("create repository")
def create_repository(client, params):
    request = {"repositoryName": params["name"]}
    if params["image_tag_mutability"]:
        request["imageTagMutability"] = params["image_tag_mutability"].upper()
    if params["scan_on_push"] is not None:
        request["imageScanningConfiguration"] = {"scanOnPush": params["scan_on_push"]}
    if params["encryption_type"]:
        request["encryptionConfiguration"] = {"encryptionType": params["encryption_type"]}
        if params["encryption_type"] == "KMS" and params["kms_key"]:
            request["encryptionConfiguration"]["kmsKey"] = params["kms_key"]
    if params["tags"]:
        # Tagged in the same call: there is no moment at which the repository exists untagged.
        request["tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
    return client.create_repository(aws_retry=True, **request)["repository"]


@ECRErrorHandler.common_error_handler("update tag mutability of repository")
def update_image_tag_mutability(client, check_mode, name, current, desired):
    if desired is None or desired.upper() == current:
        return False
    if not check_mode:
        client.put_image_tag_mutability(
            repositoryName=name, imageTagMutability=desired.upper(), aws_retry=True
        )
    return True


@ECRErrorHandler.common_error_handler("update scan on push of repository")
def update_scan_on_push(client, check_mode, name, current, desired):
    if desired is None or desired == current:
        return False
    if not check_mode:
        client.put_image_scanning_configuration(
            repositoryName=name, imageScanningConfiguration={"scanOnPush": desired}, aws_retry=True
        )
    return True


@ECRErrorHandler.common_error_handler("update lifecycle policy of repository")
def update_lifecycle_policy(client, check_mode, name, current, desired):
    change = lifecycle_policy_change(current, desired)
    if change is None:
        return False
    if check_mode:
        return True
    if change == "put":
        client.put_lifecycle_policy(
            repositoryName=name, lifecyclePolicyText=json.dumps(desired, sort_keys=True), aws_retry=True
        )
    else:
        client.delete_lifecycle_policy(repositoryName=name, aws_retry=True)
    return True


@ECRErrorHandler.common_error_handler("update tags of repository")
def update_tags(client, check_mode, arn, current, desired, purge):
    to_set, to_remove = tags_change(current, desired, purge)
    if not to_set and not to_remove:
        return False
    if check_mode:
        return True
    if to_remove:
        client.untag_resource(resourceArn=arn, tagKeys=to_remove, aws_retry=True)
    if to_set:
        client.tag_resource(resourceArn=arn, tags=ansible_dict_to_boto3_tag_list(to_set), aws_retry=True)
    return True


@ECRErrorHandler.deletion_error_handler("delete repository")
def delete_repository(client, name, force):
    client.delete_repository(repositoryName=name, force=force, aws_retry=True)
    return True


def read(client, name):
    """(repository, settings, lifecycle policy, tags) of the repository, or four Nones."""
    repository = describe_repository(client, name)
    if repository is None:
        return None, None, None, None
    return (
        repository,
        settings_from_aws(repository),
        get_lifecycle_policy(client, name),
        get_tags(client, repository["repositoryArn"]),
    )


def ensure_present(module, client, params, repository, settings, policy, tags):
    """Return (changed, created, repository)."""
    name = params["name"]
    check_mode = module.check_mode
    if repository is None:
        if check_mode:
            return True, True, None
        repository = create_repository(client, params)
        settings, policy, tags = settings_from_aws(repository), None, params["tags"] or {}
        update_lifecycle_policy(client, False, name, policy, params["lifecycle_policy"])
        return True, True, repository

    conflict = encryption_conflict(settings, params["encryption_type"], params["kms_key"])
    if conflict:
        raise EncryptionConflict(conflict)
    changed = False
    changed |= update_image_tag_mutability(
        client, check_mode, name, settings["image_tag_mutability"], params["image_tag_mutability"]
    )
    changed |= update_scan_on_push(client, check_mode, name, settings["scan_on_push"], params["scan_on_push"])
    changed |= update_lifecycle_policy(client, check_mode, name, policy, params["lifecycle_policy"])
    changed |= update_tags(
        client, check_mode, repository["repositoryArn"], tags, params["tags"], params["purge_tags"]
    )
    return changed, False, repository


def converge(module, client, params):
    """The result of one repository, its diff included."""
    repository, settings, policy, tags = read(client, params["name"])
    before = state_of(settings, policy, tags)

    if params["state"] == "absent":
        changed = repository is not None
        if changed and not module.check_mode:
            delete_repository(client, params["name"], params["force_absent"])
        result = dict(changed=changed, created=False)
        after = {}
    else:
        changed, created, repository = ensure_present(
            module, client, params, repository, settings, policy, tags
        )
        if module.check_mode or not changed:
            after = predicted_state(before, params) if changed else before
            described = dict(repository or {"repositoryName": params["name"]})
        else:
            repository, settings, policy, tags = read(client, params["name"])
            after = state_of(settings, policy, tags)
            described = repository
        described["imageTagMutability"] = after["image_tag_mutability"]
        described["imageScanningConfiguration"] = {"scanOnPush": after["scan_on_push"]}
        result = dict(
            changed=changed,
            created=created,
            repository=boto3_resource_to_ansible_dict(described),
            lifecycle_policy=after["lifecycle_policy"],
            tags=after["tags"],
        )
    if module._diff:
        result["diff"] = dict(before=before, after=after)
    return result


def run(module, client):
    params = module.params
    if params["names"] is None:
        return converge(module, client, params)
    results = [
        dict(converge(module, client, {**params, "name": name}), name=name) for name in params["names"]
    ]
    result = dict(changed=any(r["changed"] for r in results), repositories=results)
    if module._diff:
        result["diff"] = dict(
            before={r["name"]: r["diff"]["before"] for r in results},
            after={r["name"]: r["diff"]["after"] for r in results},
        )
        for r in results:
            del r["diff"]
    return result


def main():
    argument_spec = dict(
        name=dict(type="str"),
        names=dict(type="list", elements="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        image_tag_mutability=dict(type="str", choices=["mutable", "immutable"]),
        scan_on_push=dict(type="bool"),
        encryption_type=dict(type="str", choices=["AES256", "KMS"]),
        kms_key=dict(type="str", no_log=False),
        lifecycle_policy=dict(type="dict"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        force_absent=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_one_of=[("name", "names")],
        mutually_exclusive=[("name", "names")],
    )
    client = module.client("ecr", retry_decorator=AWSRetry.jittered_backoff())
    try:
        result = run(module, client)
    except EncryptionConflict as e:
        module.fail_json(msg=str(e))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    else:
        module.exit_json(**result)


if __name__ == "__main__":
    main()
