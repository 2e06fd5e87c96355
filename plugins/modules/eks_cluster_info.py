#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: eks_cluster_info
version_added: 0.1.0
short_description: Read an EKS cluster, its node groups and its IAM OIDC provider
description:
  - Describes one EKS cluster, each of its managed node groups, and finds the IAM OIDC provider of the
    cluster's issuer, as M(ecommerce_demo.platform.eks_cluster) manages them.
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  name:
    description: Name of the cluster.
    type: str
    required: true
notes:
  - "IAM permissions: C(eks:DescribeCluster), C(eks:ListNodegroups), C(eks:DescribeNodegroup),
    C(iam:ListOpenIDConnectProviders)."
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode).
    support: none
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read the platform's cluster
  ecommerce_demo.platform.eks_cluster_info:
    name: ecommerce-demo
  register: cluster_info
"""

RETURN = r"""
exists:
  description: Whether the cluster exists.
  returned: always
  type: bool
  sample: true
cluster:
  description: DescribeCluster in snake_case; empty when the cluster does not exist.
  returned: always
  type: dict
  sample: {"name": "ecommerce-demo", "version": "1.32", "status": "ACTIVE",
           "endpoint": "https://0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com"}
nodegroups:
  description: DescribeNodegroup of each node group, in snake_case.
  returned: always
  type: list
  elements: dict
  sample: [{"nodegroup_name": "ecommerce-demo-nodes", "status": "ACTIVE"}]
oidc_provider_arn:
  description: ARN of the IAM OIDC provider of the cluster's issuer; empty when there is none.
  returned: always
  type: str
  sample: arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.iam_oidc_provider import (
    find_provider_arn,
    list_provider_arns,
)
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.eks_api import (
    describe_cluster,
    describe_nodegroups,
    snake,
)

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(name=dict(type="str", required=True)), supports_check_mode=True
    )
    eks = module.client("eks", retry_decorator=AWSRetry.jittered_backoff())
    iam = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    name = module.params["name"]
    try:
        cluster = describe_cluster(eks, name)
        nodegroups = describe_nodegroups(eks, name) if cluster else {}
        issuer = ((cluster or {}).get("identity") or {}).get("oidc", {}).get("issuer")
        provider_arn = find_provider_arn(list_provider_arns(iam), issuer) if issuer else None
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to read EKS cluster " + name)
    module.exit_json(
        changed=False,
        exists=cluster is not None,
        cluster=snake(cluster) if cluster else {},
        nodegroups=[snake(nodegroups[ng]) for ng in sorted(nodegroups)],
        oidc_provider_arn=provider_arn or "",
    )


if __name__ == "__main__":
    main()
