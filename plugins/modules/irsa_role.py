#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: irsa_role
version_added: 0.1.0
short_description: Manage an IAM role for Kubernetes service accounts (IRSA) of an EKS cluster
description:
  - Creates, updates or deletes an IAM role that the given Kubernetes service accounts of one EKS
    cluster assume with C(sts:AssumeRoleWithWebIdentity) through the cluster's IAM OIDC provider.
  - The trust policy is built from O(oidc_provider), O(service_accounts) and O(audience). The
    provider is the only C(Federated) principal, and C(StringEquals) conditions pin C(<issuer>:sub) to
    C(system:serviceaccount:<namespace>:<name>) of each service account and C(<issuer>:aud) to the audience.
  - A role whose trust policy, description, session duration, managed or inline policies or tags
    drifted from the request is corrected in place.
  - Tags are applied when the role is created (C(CreateRole) with C(Tags)), not afterwards.
  - With O(roles) one invocation manages several roles of the same cluster, each read once (the options
    of each entry override the module's own), instead of one module run per role.
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  name:
    description:
      - Name of the IAM role. Give either this or O(roles).
    type: str
  roles:
    description:
      - Several roles at once, each with its own O(roles[].name) and any of the options below; an option an
        entry leaves out is the module's (O(oidc_provider), O(audience), O(tags) and the purge options are
        always the module's). Give either this or O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the IAM role.
        type: str
        required: true
      path:
        description: As O(path).
        type: str
      service_accounts:
        description: As O(service_accounts).
        type: list
        elements: dict
        suboptions:
          namespace:
            description: Namespace of the service account.
            type: str
            required: true
          name:
            description: Name of the service account.
            type: str
            required: true
      description:
        description: As O(description).
        type: str
      max_session_duration:
        description: As O(max_session_duration).
        type: int
      managed_policies:
        description: As O(managed_policies).
        type: list
        elements: str
      inline_policies:
        description: As O(inline_policies).
        type: dict
  path:
    description:
      - Path of the role; only used when the role is created (IAM cannot change it).
    type: str
    default: /
  oidc_provider:
    description:
      - The cluster's IAM OIDC provider, as its ARN
        (V(arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE))
        or as the cluster's issuer URL (V(https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE)).
      - With an issuer URL the provider ARN is built from O(account_id) and O(partition), or from the
        caller's identity when O(account_id) is not set (one C(sts:GetCallerIdentity) call).
      - Required when O(state=present).
    type: str
  account_id:
    description:
      - Account of the OIDC provider when O(oidc_provider) is an issuer URL.
    type: str
  partition:
    description:
      - Partition of the OIDC provider when O(oidc_provider) is an issuer URL and O(account_id) is set.
    type: str
    default: aws
  service_accounts:
    description:
      - The service accounts that may assume the role. Names are exact; wildcards are refused.
      - Required when O(state=present), for each of O(roles).
    type: list
    elements: dict
    suboptions:
      namespace:
        description: Namespace of the service account.
        type: str
        required: true
      name:
        description: Name of the service account.
        type: str
        required: true
  audience:
    description:
      - The audience (C(aud) claim) the service account tokens must carry.
    type: str
    default: sts.amazonaws.com
  description:
    description:
      - Description of the role. When not set, the description of an existing role is left as is.
    type: str
  max_session_duration:
    description:
      - Longest session, in seconds (3600 to 43200). When not set, left as is (3600 for a new role).
    type: int
  managed_policies:
    description:
      - ARNs of managed policies attached to the role.
    type: list
    elements: str
    default: []
  purge_managed_policies:
    description:
      - Detach managed policies that are not in O(managed_policies).
    type: bool
    default: true
  inline_policies:
    description:
      - Inline policies of the role, by name; each value is a policy document (a dict or JSON text).
    type: dict
    default: {}
  purge_inline_policies:
    description:
      - Delete inline policies that are not in O(inline_policies).
    type: bool
    default: true
  state:
    description:
      - V(absent) detaches the managed policies, deletes the inline policies, removes the role from
        its instance profiles and deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - "IAM permissions: C(iam:GetRole), C(iam:CreateRole), C(iam:DeleteRole), C(iam:UpdateRole),
    C(iam:UpdateAssumeRolePolicy), C(iam:TagRole), C(iam:UntagRole), C(iam:ListAttachedRolePolicies),
    C(iam:AttachRolePolicy), C(iam:DetachRolePolicy), C(iam:ListRolePolicies), C(iam:GetRolePolicy),
    C(iam:PutRolePolicy), C(iam:DeleteRolePolicy), C(iam:ListInstanceProfilesForRole),
    C(iam:RemoveRoleFromInstanceProfile); C(sts:GetCallerIdentity) only for an issuer URL without
    O(account_id)."
seealso:
  - module: ecommerce_demo.platform.iam_oidc_provider
  - module: amazon.aws.iam_role
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode),
      when in diff mode.
    support: full
    details:
      - The diff shows the trust policy, description, session duration, managed and inline policies and tags.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Let the AWS Load Balancer Controller manage load balancers
  ecommerce_demo.platform.irsa_role:
    name: ecommerce-demo-aws-load-balancer-controller
    oidc_provider: "{{ eks_oidc_provider_arn }}"
    service_accounts:
      - namespace: kube-system
        name: aws-load-balancer-controller
    inline_policies:
      aws-load-balancer-controller: "{{ lookup('ansible.builtin.file', 'controller-policy.json') }}"
    tags:
      Project: ecommerce-demo

- name: Trust a cluster given by its issuer URL, with a managed policy
  ecommerce_demo.platform.irsa_role:
    name: reader
    oidc_provider: https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE
    account_id: "123456789012"
    service_accounts:
      - namespace: default
        name: reader
    managed_policies:
      - arn:aws:iam::aws:policy/ReadOnlyAccess

- name: Delete the role
  ecommerce_demo.platform.irsa_role:
    name: reader
    state: absent

- name: Two roles of the same cluster in one run
  ecommerce_demo.platform.irsa_role:
    oidc_provider: "{{ eks_oidc_provider_arn }}"
    roles:
      - name: ecommerce-demo-external-secrets
        service_accounts: [{namespace: external-secrets, name: external-secrets}]
        inline_policies: {read-secrets: "{{ lookup('ansible.builtin.file', 'read-secrets.json') }}"}
      - name: ecommerce-demo-cluster-autoscaler
        service_accounts: [{namespace: kube-system, name: cluster-autoscaler}]
        inline_policies: {autoscale: "{{ lookup('ansible.builtin.file', 'autoscale.json') }}"}
    tags:
      Project: ecommerce-demo
"""

RETURN = r"""
roles:
  description:
    - With O(roles), each role as RV(role) describes it, in the order of O(roles).
  returned: when O(state=present) and O(roles) is given
  type: list
  elements: dict
  sample: [{"role_name": "ecommerce-demo-external-secrets", "path": "/", "tags": {"Project": "demo"}}]
role:
  description:
    - The role after the module ran (in check mode, as it would be).
    - When the role would be created in check mode, RV(role.arn) and RV(role.role_id) are missing.
    - With O(roles), the diff has the roles by name, before and after.
  returned: when O(state=present) and O(name) is given
  type: dict
  contains:
    arn:
      description: ARN of the role, for the C(eks.amazonaws.com/role-arn) service account annotation.
      returned: when the role exists
      type: str
      sample: arn:aws:iam::123456789012:role/ecommerce-demo-aws-load-balancer-controller
    role_id:
      description: Unique id of the role.
      returned: when the role exists
      type: str
      sample: AROA1234567890EXAMPLE
    role_name:
      description: Name of the role.
      returned: always
      type: str
      sample: ecommerce-demo-aws-load-balancer-controller
    path:
      description: Path of the role.
      returned: always
      type: str
      sample: /
    trust_policy:
      description: The trust (assume role) policy document.
      returned: always
      type: dict
      sample: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
    description:
      description: Description of the role.
      returned: always
      type: str
      sample: AWS Load Balancer Controller of ecommerce-demo
    max_session_duration:
      description: Longest session in seconds.
      returned: always
      type: int
      sample: 3600
    managed_policies:
      description: ARNs of the attached managed policies, sorted.
      returned: always
      type: list
      elements: str
      sample: ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    inline_policies:
      description: Inline policy documents by name.
      returned: always
      type: dict
      sample: {"aws-load-balancer-controller": {"Version": "2012-10-17", "Statement": []}}
    tags:
      description: Tags of the role.
      returned: always
      type: dict
      sample: {"Project": "ecommerce-demo"}
"""

import json
from urllib.parse import unquote

from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError
from ansible_collections.amazon.aws.plugins.module_utils.iam import IAMErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.iam_policies import (
    InvalidPolicyInput,
    comparable_role,
    irsa_trust_policy,
    plan_is_empty,
    plan_role_changes,
    policy_document,
    predicted_role,
)


def _document(value):
    # boto3 decodes policy documents to dicts; some endpoints hand back URL-encoded JSON text.
    return value if isinstance(value, dict) else json.loads(unquote(value))


@IAMErrorHandler.list_error_handler("get role", None)
def _get_role(client, name):
    return client.get_role(RoleName=name, aws_retry=True)["Role"]


@IAMErrorHandler.list_error_handler("read policies of role", {})
def _read_policies(client, name):
    paginator = client.get_paginator("list_attached_role_policies")
    attached = paginator.paginate(RoleName=name).build_full_result()["AttachedPolicies"]
    names = (
        client.get_paginator("list_role_policies").paginate(RoleName=name).build_full_result()["PolicyNames"]
    )
    inline = {
        policy_name: _document(
            client.get_role_policy(RoleName=name, PolicyName=policy_name, aws_retry=True)["PolicyDocument"]
        )
        for policy_name in names
    }
    return {"managed_policies": sorted(p["PolicyArn"] for p in attached), "inline_policies": inline}


def read_role(client, name):
    role = _get_role(client, name)
    if role is None:
        return None
    return {
        "arn": role["Arn"],
        "role_id": role["RoleId"],
        "role_name": role["RoleName"],
        "path": role["Path"],
        "trust_policy": _document(role["AssumeRolePolicyDocument"]),
        "description": role.get("Description", ""),
        "max_session_duration": role.get("MaxSessionDuration", 3600),
        "tags": boto3_tag_list_to_ansible_dict(role.get("Tags", [])),
        **_read_policies(client, name),
    }


@IAMErrorHandler.common_error_handler("create role")
def create_role(client, params, desired):
    request = {
        "RoleName": params["name"],
        "Path": params["path"],
        "AssumeRolePolicyDocument": json.dumps(desired["trust_policy"]),
    }
    if desired["description"] is not None:
        request["Description"] = desired["description"]
    if desired["max_session_duration"] is not None:
        request["MaxSessionDuration"] = desired["max_session_duration"]
    if desired["tags"]:
        request["Tags"] = ansible_dict_to_boto3_tag_list(desired["tags"])
    client.create_role(aws_retry=True, **request)


@IAMErrorHandler.common_error_handler("update role")
def apply_updates(client, name, desired, plan):
    if plan.get("trust_policy"):
        client.update_assume_role_policy(
            RoleName=name, PolicyDocument=json.dumps(desired["trust_policy"]), aws_retry=True
        )
    if plan.get("update_role"):
        update = {"RoleName": name}
        if desired["description"] is not None:
            update["Description"] = desired["description"]
        if desired["max_session_duration"] is not None:
            update["MaxSessionDuration"] = desired["max_session_duration"]
        client.update_role(aws_retry=True, **update)
    if plan.get("tags_to_remove"):
        client.untag_role(RoleName=name, TagKeys=plan["tags_to_remove"], aws_retry=True)
    if plan.get("tags_to_set"):
        client.tag_role(
            RoleName=name, Tags=ansible_dict_to_boto3_tag_list(plan["tags_to_set"]), aws_retry=True
        )
    # Grant the new permissions before taking the old ones away.
    for policy_name in plan.get("put_inline", []):
        client.put_role_policy(
            RoleName=name,
            PolicyName=policy_name,
            PolicyDocument=json.dumps(desired["inline_policies"][policy_name]),
            aws_retry=True,
        )
    for arn in plan.get("attach", []):
        client.attach_role_policy(RoleName=name, PolicyArn=arn, aws_retry=True)
    for arn in plan.get("detach", []):
        client.detach_role_policy(RoleName=name, PolicyArn=arn, aws_retry=True)
    for policy_name in plan.get("delete_inline", []):
        client.delete_role_policy(RoleName=name, PolicyName=policy_name, aws_retry=True)


@IAMErrorHandler.deletion_error_handler("delete role")
def delete_role(client, role):
    name = role["role_name"]
    for arn in role["managed_policies"]:
        client.detach_role_policy(RoleName=name, PolicyArn=arn, aws_retry=True)
    for policy_name in role["inline_policies"]:
        client.delete_role_policy(RoleName=name, PolicyName=policy_name, aws_retry=True)
    profiles = client.list_instance_profiles_for_role(RoleName=name, aws_retry=True)["InstanceProfiles"]
    for profile in profiles:
        client.remove_role_from_instance_profile(
            InstanceProfileName=profile["InstanceProfileName"], RoleName=name, aws_retry=True
        )
    client.delete_role(RoleName=name, aws_retry=True)


# The options an entry of `roles` may set for itself; the others are the module's for every role.
PER_ROLE_OPTIONS = (
    "path",
    "service_accounts",
    "description",
    "max_session_duration",
    "managed_policies",
    "inline_policies",
)


def role_requests(params):
    """One parameter set per role: the module's, with what each entry of `roles` sets for itself."""
    if params["roles"] is None:
        return [params]
    return [
        {
            **params,
            "name": entry["name"],
            **{key: entry[key] for key in PER_ROLE_OPTIONS if entry.get(key) is not None},
        }
        for entry in params["roles"]
    ]


def provider_account(module):
    """The OIDC provider's account: given, or (for an issuer URL without it) the caller's, asked once."""
    params = module.params
    if params["oidc_provider"].startswith("arn:") or params["account_id"]:
        return params["account_id"]
    sts = module.client("sts", retry_decorator=AWSRetry.jittered_backoff())
    return sts.get_caller_identity(aws_retry=True)["Account"]


def desired_role(params, account_id):
    return {
        "trust_policy": irsa_trust_policy(
            params["oidc_provider"],
            params["service_accounts"],
            params["audience"],
            account_id,
            params["partition"],
        ),
        "description": params["description"],
        "max_session_duration": params["max_session_duration"],
        "managed_policies": params["managed_policies"],
        "inline_policies": {name: policy_document(doc) for name, doc in params["inline_policies"].items()},
        "tags": params["tags"],
    }


def ensure_present(module, client, params, account_id, current):
    desired = desired_role(params, account_id)
    plan = plan_role_changes(
        current,
        desired,
        params["purge_managed_policies"],
        params["purge_inline_policies"],
        params["purge_tags"],
    )
    if plan_is_empty(plan):
        return False, current
    predicted = predicted_role(current, desired, plan)
    predicted.setdefault("role_name", params["name"])
    predicted.setdefault("path", params["path"])
    if module.check_mode:
        return True, predicted
    if plan["create"]:
        create_role(client, params, desired)
    apply_updates(client, params["name"], desired, plan)
    return True, read_role(client, params["name"])


def converge_one(module, client, params, account_id):
    """(changed, the role before, the role after: None when absent) of one role."""
    current = read_role(client, params["name"])
    if params["state"] == "present":
        changed, role = ensure_present(module, client, params, account_id, current)
        return changed, current, role
    changed = current is not None
    if changed and not module.check_mode:
        delete_role(client, current)
    return changed, current, None


def run(module, client):
    params = module.params
    account_id = provider_account(module) if params["state"] == "present" else None
    requests = role_requests(params)
    # One (changed, before, after) per role.
    outcomes = [converge_one(module, client, request, account_id) for request in requests]
    result = {"changed": any(outcome[0] for outcome in outcomes)}
    if params["roles"] is None:
        before, after = outcomes[0][1:]
        if params["state"] == "present":
            result["role"] = after
        if module._diff:
            result["diff"] = {"before": comparable_role(before), "after": comparable_role(after)}
        return result
    if params["state"] == "present":
        result["roles"] = [outcome[2] for outcome in outcomes]
    if module._diff:
        names = [request["name"] for request in requests]
        result["diff"] = {
            "before": {name: comparable_role(o[1]) for name, o in zip(names, outcomes, strict=True)},
            "after": {name: comparable_role(o[2]) for name, o in zip(names, outcomes, strict=True)},
        }
    return result


def main():
    service_account = dict(namespace=dict(type="str", required=True), name=dict(type="str", required=True))
    argument_spec = dict(
        name=dict(type="str"),
        roles=dict(
            type="list",
            elements="dict",
            options=dict(
                name=dict(type="str", required=True),
                path=dict(type="str"),
                service_accounts=dict(type="list", elements="dict", options=service_account),
                description=dict(type="str"),
                max_session_duration=dict(type="int"),
                managed_policies=dict(type="list", elements="str"),
                inline_policies=dict(type="dict"),
            ),
        ),
        path=dict(type="str", default="/"),
        oidc_provider=dict(type="str"),
        account_id=dict(type="str"),
        partition=dict(type="str", default="aws"),
        service_accounts=dict(type="list", elements="dict", options=service_account),
        audience=dict(type="str", default="sts.amazonaws.com"),
        description=dict(type="str"),
        max_session_duration=dict(type="int"),
        managed_policies=dict(type="list", elements="str", default=[]),
        purge_managed_policies=dict(type="bool", default=True),
        inline_policies=dict(type="dict", default={}),
        purge_inline_policies=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["oidc_provider"])],
        required_one_of=[("name", "roles")],
        mutually_exclusive=[("name", "roles")],
    )
    for request in role_requests(module.params):
        name, duration = request["name"], request["max_session_duration"]
        if duration is not None and not 3600 <= duration <= 43200:
            module.fail_json(
                msg=f"max_session_duration must be between 3600 and 43200 seconds, got {duration}"
            )
        if module.params["state"] == "present" and not request["service_accounts"]:
            module.fail_json(msg=f"state is present but service_accounts is missing for role {name}")
    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    try:
        result = run(module, client)
    except InvalidPolicyInput as e:
        module.fail_json(msg=str(e))
    except AnsibleIAMError as e:
        module.fail_json_aws_error(e)
    else:
        module.exit_json(**result)


if __name__ == "__main__":
    main()
