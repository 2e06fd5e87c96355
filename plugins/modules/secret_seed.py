#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: secret_seed
version_added: 0.1.0
short_description: Seed a Secrets Manager secret with a generated value that is never shown
description:
  - Creates a Secrets Manager secret holding a JSON object whose secret key (O(value_key)) is a value
    generated here, by the rules of the service that will consume it (O(value_rules)), plus connection fields
    (O(fields)) that are not secret.
  - An existing secret value is never changed unless O(rotate=true). Connection fields are set or changed
    without touching the secret value, so a role can fill in a database's host and port once it exists.
  - The generated value is never returned, logged or shown in a diff; the diff lists the keys of the
    secret and marks those that change.
  - Upstream M(community.aws.secretsmanager_secret) needs the value as an argument (so the playbook must make
    it, and it appears in the task's arguments) and rewrites it when the JSON changes.
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  name:
    description:
      - The name of the secret.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the secret; V(absent) deletes it (see O(recovery_window_days)).
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - The description of the secret. Left as it is when not given.
    type: str
  kms_key_id:
    description:
      - ARN of the KMS key that encrypts the secret. Empty or not given uses the account's
        C(aws/secretsmanager) key.
    type: str
  value_rules:
    description:
      - The rules the generated value follows.
      - V(rds_master_password) 8-128 printable ASCII characters without V(/), V(@), V(") or space.
      - 'V(elasticache_auth_token) 16-128 characters, letters, digits and C(! & # $ ^ < > -) only (the only
        symbols ElastiCache accepts; V(@), V(") and V(/) are refused).'
      - V(alphanumeric) letters and digits only.
    type: str
    choices: [rds_master_password, elasticache_auth_token, alphanumeric]
    default: alphanumeric
  length:
    description:
      - Length of the generated value; must lie within the range of O(value_rules).
    type: int
    default: 32
  punctuation:
    description:
      - Whether the generated value may hold the symbols that O(value_rules) allows. V(false) gives letters
        and digits only.
    type: bool
    default: true
  value_key:
    description:
      - The key of the generated value in the JSON object.
    type: str
    default: password
  fields:
    description:
      - Non-secret fields of the JSON object (username, host, port, dbname, ...). A field whose value is
        null is left as stored. Fields stored but not listed are kept.
    type: dict
    default: {}
  rotate:
    description:
      - Replace the stored secret value with a newly generated one.
    type: bool
    default: false
  tags:
    description:
      - Tags of the secret, applied at creation. Not given leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags not listed in O(tags).
    type: bool
    default: true
  recovery_window_days:
    description:
      - With O(state=absent), days (7-30) during which the deleted secret can still be restored.
    type: int
    default: 30
  force_delete:
    description:
      - With O(state=absent), delete at once, without a recovery window (the value is lost).
    type: bool
    default: false
notes:
  - A secret that is scheduled for deletion is restored by O(state=present).
  - "IAM permissions: C(secretsmanager:DescribeSecret), C(secretsmanager:GetSecretValue),
    C(secretsmanager:CreateSecret), C(secretsmanager:PutSecretValue), C(secretsmanager:UpdateSecret),
    C(secretsmanager:RestoreSecret), C(secretsmanager:TagResource), C(secretsmanager:UntagResource),
    C(secretsmanager:DeleteSecret); C(kms:GenerateDataKey) and C(kms:Decrypt) on a customer managed key."
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Shows the keys of the secret that change, and its tags, description and key; never a value.
    support: full
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Seed the RDS master password
  ecommerce_demo.platform.secret_seed:
    name: ecommerce-demo/rds-password
    value_rules: rds_master_password
    fields:
      username: ecommerce
      dbname: ecommerce
    tags:
      Project: ecommerce-demo
  register: seeded

- name: Fill in the host and port once the database exists; the password stays as it is
  ecommerce_demo.platform.secret_seed:
    name: ecommerce-demo/rds-password
    value_rules: rds_master_password
    fields:
      host: ecommerce-demo.abc123.us-east-1.rds.amazonaws.com
      port: 5432

- name: Seed an ElastiCache AUTH token
  ecommerce_demo.platform.secret_seed:
    name: ecommerce-demo/redis-auth
    value_rules: elasticache_auth_token
    value_key: auth_token
    length: 64

- name: Rotate the AUTH token
  ecommerce_demo.platform.secret_seed:
    name: ecommerce-demo/redis-auth
    value_rules: elasticache_auth_token
    value_key: auth_token
    rotate: true

- name: Delete a secret at once
  ecommerce_demo.platform.secret_seed:
    name: ecommerce-demo/redis-auth
    state: absent
    force_delete: true
"""

RETURN = r"""
arn:
  description: The ARN of the secret; null in check mode when it would be created, or when it is absent.
  returned: always
  type: str
  sample: arn:aws:secretsmanager:us-east-1:123456789012:secret:ecommerce-demo/rds-password-AbCdEf
name:
  description: The name of the secret.
  returned: always
  type: str
  sample: ecommerce-demo/rds-password
version_id:
  description: The id of the current version of the value; null in check mode when a version would be written.
  returned: when O(state=present)
  type: str
  sample: 9d7e3c4a-5f3b-4d8e-a1b2-0c9d8e7f6a5b
keys:
  description: The keys of the JSON object the secret holds (after the run, or as predicted in check mode).
  returned: when O(state=present)
  type: list
  elements: str
  sample: [dbname, host, password, port, username]
changed_keys:
  description: The keys whose value this run set or changed.
  returned: when O(state=present)
  type: list
  elements: str
  sample: [host, port]
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags
from ansible_collections.ecommerce_demo.platform.plugins.module_utils import secret_generation


class SecretsErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleAWSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ResourceNotFoundException")


class SecretSeedError(Exception):
    pass


@SecretsErrorHandler.list_error_handler("describe secret")
def describe_secret(client, name):
    return client.describe_secret(SecretId=name, aws_retry=True)


@SecretsErrorHandler.list_error_handler("read secret value")
def get_secret_string(client, arn):
    return client.get_secret_value(SecretId=arn, aws_retry=True).get("SecretString")


@SecretsErrorHandler.common_error_handler("create secret")
def create_secret(client, params, secret_string):
    request = dict(Name=params["name"], SecretString=secret_string)
    if params["description"] is not None:
        request["Description"] = params["description"]
    if params["kms_key_id"]:
        request["KmsKeyId"] = params["kms_key_id"]
    if params["tags"]:
        request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
    return client.create_secret(aws_retry=True, **request)


@SecretsErrorHandler.common_error_handler("write secret value")
def put_secret_string(client, arn, secret_string):
    return client.put_secret_value(SecretId=arn, SecretString=secret_string, aws_retry=True)["VersionId"]


@SecretsErrorHandler.common_error_handler("restore secret")
def restore_secret(client, check_mode, current):
    if "DeletedDate" not in current:
        return False
    if not check_mode:
        client.restore_secret(SecretId=current["ARN"], aws_retry=True)
    return True


@SecretsErrorHandler.common_error_handler("update secret settings")
def update_settings(client, check_mode, params, current):
    request = {}
    if params["description"] is not None and params["description"] != current.get("Description", ""):
        request["Description"] = params["description"]
    if params["kms_key_id"] is not None and (params["kms_key_id"] or None) != current.get("KmsKeyId"):
        # An empty KmsKeyId would be refused; the alias of the AWS managed key selects it again.
        request["KmsKeyId"] = params["kms_key_id"] or "alias/aws/secretsmanager"
    if not request:
        return False
    if not check_mode:
        client.update_secret(SecretId=current["ARN"], aws_retry=True, **request)
    return True


@SecretsErrorHandler.common_error_handler("update secret tags")
def update_tags(client, check_mode, params, current):
    if params["tags"] is None:
        return False
    current_tags = boto3_tag_list_to_ansible_dict(current.get("Tags", []))
    to_set, to_remove = compare_aws_tags(current_tags, params["tags"], purge_tags=params["purge_tags"])
    if not to_set and not to_remove:
        return False
    if not check_mode:
        if to_remove:
            client.untag_resource(SecretId=current["ARN"], TagKeys=to_remove, aws_retry=True)
        if to_set:
            client.tag_resource(
                SecretId=current["ARN"], Tags=ansible_dict_to_boto3_tag_list(to_set), aws_retry=True
            )
    return True


@SecretsErrorHandler.deletion_error_handler("delete secret")
def delete_secret(client, check_mode, params, current):
    scheduled = "DeletedDate" in current
    if scheduled and not params["force_delete"]:
        return False
    if not check_mode:
        request = dict(SecretId=current["ARN"])
        if params["force_delete"]:
            request["ForceDeleteWithoutRecovery"] = True
        else:
            request["RecoveryWindowInDays"] = params["recovery_window_days"]
        client.delete_secret(aws_retry=True, **request)
    return True


def settings_view(current):
    """The non-secret settings of a secret, for the diff."""
    if current is None:
        return {}
    return dict(
        description=current.get("Description", ""),
        kms_key_id=current.get("KmsKeyId"),
        tags=boto3_tag_list_to_ansible_dict(current.get("Tags", [])),
        scheduled_for_deletion="DeletedDate" in current,
    )


def desired_settings(params, before):
    after = dict(before)
    if params["description"] is not None:
        after["description"] = params["description"]
    if params["kms_key_id"] is not None:
        after["kms_key_id"] = params["kms_key_id"] or None
    if params["tags"] is not None:
        to_set, to_remove = compare_aws_tags(
            before.get("tags", {}), params["tags"], purge_tags=params["purge_tags"]
        )
        kept = {k: v for k, v in before.get("tags", {}).items() if k not in to_remove}
        after["tags"] = {**kept, **{k: str(v) for k, v in to_set.items()}}
    after["scheduled_for_deletion"] = False
    return after


def read_document(client, name, arn):
    """The JSON object the secret holds now; None when it holds no string."""
    secret_string = get_secret_string(client, arn)
    if secret_string is None:
        return None
    try:
        return secret_generation.parse_document(secret_string)
    except ValueError:
        # Never quote the stored string: it may be the secret itself.
        raise SecretSeedError(f"Secret {name} does not hold a JSON object; delete it or store one") from None


def ensure_present(module, client):
    params = module.params
    check_mode = module.check_mode
    current = describe_secret(client, params["name"])
    before_settings = settings_view(current)
    result = dict(name=params["name"], arn=current["ARN"] if current else None)

    # A secret scheduled for deletion cannot be read until it is restored.
    changed = current is not None and restore_secret(client, check_mode, current)
    if changed and check_mode:
        result.update(version_id=None, keys=[], changed_keys=[])
        if module._diff:
            result["diff"] = dict(before=before_settings, after=desired_settings(params, before_settings))
        return changed, result

    def new_value():
        value = secret_generation.generate(params["value_rules"], params["length"], params["punctuation"])
        module.no_log_values.add(value)
        return value

    stored = None if current is None else read_document(client, params["name"], current["ARN"])
    if stored and isinstance(stored.get(params["value_key"]), str):
        module.no_log_values.add(stored[params["value_key"]])
    try:
        document, changed_keys = secret_generation.plan_document(
            stored, params["value_key"], params["fields"], params["rotate"], new_value
        )
    except ValueError as e:
        raise SecretSeedError(str(e)) from None
    result.update(keys=sorted(document), changed_keys=changed_keys)

    if current is None:
        changed = True
        version_id = None
        if not check_mode:
            created = create_secret(client, params, secret_generation.render_document(document))
            result["arn"], version_id = created["ARN"], created["VersionId"]
        after_settings = desired_settings(params, dict(description="", kms_key_id=None, tags={}))
    else:
        changed |= update_settings(client, check_mode, params, current)
        changed |= update_tags(client, check_mode, params, current)
        version_id = next(
            (v for v, stages in current.get("VersionIdsToStages", {}).items() if "AWSCURRENT" in stages), None
        )
        if changed_keys:
            changed = True
            version_id = None
            if not check_mode:
                version_id = put_secret_string(
                    client, current["ARN"], secret_generation.render_document(document)
                )
        after_settings = desired_settings(params, before_settings)
    result["version_id"] = version_id

    if module._diff:
        result["diff"] = dict(
            before=dict(before_settings, keys=secret_generation.diff_view(stored)),
            after=dict(after_settings, keys=secret_generation.diff_view(document, changed_keys)),
        )
    return changed, result


def lifecycle_state(current):
    if current is None:
        return "absent"
    return "scheduled for deletion" if "DeletedDate" in current else "present"


def ensure_absent(module, client):
    params = module.params
    current = describe_secret(client, params["name"])
    result = dict(name=params["name"], arn=current["ARN"] if current else None)
    changed = current is not None and delete_secret(client, module.check_mode, params, current)
    if module._diff:
        after = lifecycle_state(current)
        if changed:
            after = "absent" if params["force_delete"] else "scheduled for deletion"
        result["diff"] = dict(before=dict(state=lifecycle_state(current)), after=dict(state=after))
    return changed, result


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        description=dict(type="str"),
        kms_key_id=dict(type="str", no_log=False),
        value_rules=dict(
            type="str",
            choices=sorted(secret_generation.PROFILES),
            default="alphanumeric",
        ),
        length=dict(type="int", default=32),
        punctuation=dict(type="bool", default=True),
        value_key=dict(type="str", default="password", no_log=False),
        fields=dict(type="dict", default={}),
        rotate=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        recovery_window_days=dict(type="int", default=30),
        force_delete=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params

    error = secret_generation.length_error(params["value_rules"], params["length"])
    if error:
        module.fail_json(msg=f"length: {error}")
    if not 7 <= params["recovery_window_days"] <= 30:
        module.fail_json(msg=f"recovery_window_days must be 7-30, not {params['recovery_window_days']}")

    client = module.client("secretsmanager", retry_decorator=AWSRetry.jittered_backoff())
    try:
        if params["state"] == "present":
            changed, result = ensure_present(module, client)
        else:
            changed, result = ensure_absent(module, client)
    except SecretSeedError as e:
        module.fail_json(msg=str(e))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
