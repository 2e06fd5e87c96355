#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: eks_cluster_config
version_added: 0.1.0
short_description: Render, validate and write an eksctl ClusterConfig for an existing VPC
description:
  - Renders an eksctl C(ClusterConfig) (C(eksctl.io/v1alpha5)) for a cluster in an existing VPC, with
    managed node groups in its private subnets, the cluster's IAM OIDC provider, add-ons, control-plane
    logging and an explicit upgrade support type.
  - Validates it (required fields, types, allowed values, the Kubernetes versions eksctl accepts, the
    EC2 instance type format, node group sizes, support type against the version's lifecycle) before
    anything else runs, naming the role variable behind every wrong field.
  - Writes it to O(path), which a user can read and feed to C(eksctl create cluster -f) by hand.
  - Makes no AWS call.
  - Reports the support period of the Kubernetes version on the day it runs (standard, extended or
    ended) and what the control plane costs.
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  name:
    description: Name of the EKS cluster.
    type: str
    required: true
  region:
    description: AWS region of the cluster.
    type: str
    required: true
  version:
    description: Kubernetes version, such as V(1.32).
    type: str
    required: true
  support_type:
    description:
      - The upgrade policy's support type. V(STANDARD) is refused for a version whose standard support has
        ended (AWS auto-upgrades such clusters).
    type: str
    choices: [STANDARD, EXTENDED]
    required: true
  vpc_id:
    description: The existing VPC.
    type: str
    required: true
  private_subnets:
    description: The private subnets (control-plane ENIs and nodes), one per availability zone.
    type: list
    elements: dict
    required: true
  public_subnets:
    description: The public subnets (internet-facing load balancers), one per availability zone.
    type: list
    elements: dict
    default: []
  nodegroups:
    description:
      - Managed node groups; each item has C(name), C(instance_type), C(ami_family), C(desired_size),
        C(min_size), C(max_size), C(volume_size) and C(labels).
    type: list
    elements: dict
    required: true
  tags:
    description: Tags of the cluster and node groups (created with them).
    type: dict
    default: {}
  log_types:
    description: Control-plane log types sent to CloudWatch Logs.
    type: list
    elements: str
    default: [api, audit, authenticator, controllerManager, scheduler]
  addons:
    description: EKS add-ons.
    type: list
    elements: str
    default: [vpc-cni, coredns, kube-proxy]
  endpoint_public_access:
    description: Whether the API endpoint is reachable from the internet.
    type: bool
    default: true
  endpoint_private_access:
    description: Whether the API endpoint is reachable from inside the VPC.
    type: bool
    default: true
  path:
    description: Where to write the ClusterConfig (YAML). Its directory is created.
    type: path
    required: true
notes:
  - The lifecycle dates and prices are data in C(plugins/module_utils/eksctl_config.py).
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode).
    support: full
"""

EXAMPLES = r"""
- name: Render the platform's ClusterConfig
  ecommerce_demo.platform.eks_cluster_config:
    name: ecommerce-demo
    region: us-east-1
    version: "1.32"
    support_type: EXTENDED
    vpc_id: "{{ network_vpc_id }}"
    private_subnets: "{{ network_private_subnets }}"
    nodegroups:
      - name: ecommerce-demo-nodes
        instance_type: t3.medium
        ami_family: AmazonLinux2023
        desired_size: 2
        min_size: 2
        max_size: 4
        volume_size: 20
        labels: {}
    tags:
      Project: ecommerce-demo
    path: artifacts/eks/ecommerce-demo/cluster.yaml
"""

RETURN = r"""
config:
  description: The validated ClusterConfig.
  returned: always
  type: dict
  sample:
    apiVersion: eksctl.io/v1alpha5
    kind: ClusterConfig
    metadata: {name: ecommerce-demo, region: us-east-1, version: "1.32"}
path:
  description: Where the ClusterConfig is written.
  returned: always
  type: str
  sample: /home/user/platform/artifacts/eks/ecommerce-demo/cluster.yaml
support:
  description: The support period of the version today, its dates and its price.
  returned: always
  type: dict
  sample:
    version: "1.32"
    period: extended
    end_of_standard: "2026-03-23"
    end_of_extended: "2027-03-23"
    price_per_hour: 0.6
    price_per_month: 438.0
    message: "EKS 1.32 left standard support on 2026-03-23 and is in extended support until 2027-03-23 ..."
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.yaml import HAS_YAML, yaml_dump

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.eksctl_config import (
    InvalidClusterConfig,
    render,
    support_period,
    validate,
)

HEADER = (
    "# eksctl ClusterConfig rendered by the ecommerce_demo.platform.eks role: do not edit, change the\n"
    "# role's variables. Usable by hand: eksctl create cluster -f {0}\n"
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            region=dict(type="str", required=True),
            version=dict(type="str", required=True),
            support_type=dict(type="str", required=True, choices=["STANDARD", "EXTENDED"]),
            vpc_id=dict(type="str", required=True),
            private_subnets=dict(type="list", elements="dict", required=True),
            public_subnets=dict(type="list", elements="dict", default=[]),
            nodegroups=dict(type="list", elements="dict", required=True),
            tags=dict(type="dict", default={}),
            log_types=dict(
                type="list",
                elements="str",
                default=["api", "audit", "authenticator", "controllerManager", "scheduler"],
            ),
            addons=dict(type="list", elements="str", default=["vpc-cni", "coredns", "kube-proxy"]),
            endpoint_public_access=dict(type="bool", default=True),
            endpoint_private_access=dict(type="bool", default=True),
            path=dict(type="path", required=True),
        ),
        supports_check_mode=True,
    )
    if not HAS_YAML:
        module.fail_json(msg="PyYAML is required on the host that runs this module")
    params = module.params
    config = render(
        name=params["name"],
        region=params["region"],
        version=params["version"],
        support_type=params["support_type"],
        vpc_id=params["vpc_id"],
        private_subnets=params["private_subnets"],
        public_subnets=params["public_subnets"],
        nodegroups=params["nodegroups"],
        tags=params["tags"],
        log_types=params["log_types"],
        addons=params["addons"],
        endpoint_public_access=params["endpoint_public_access"],
        endpoint_private_access=params["endpoint_private_access"],
    )
    try:
        validate(config)
    except InvalidClusterConfig as e:
        module.fail_json(msg="Invalid EKS cluster settings: " + "; ".join(e.errors), errors=e.errors)

    path = params["path"]
    text = HEADER.format(path) + yaml_dump(config, default_flow_style=False, sort_keys=False)
    try:
        with open(path) as existing:
            before = existing.read()
    except (IOError, OSError):
        before = None
    changed = before != text
    if changed and not module.check_mode:
        directory = os.path.dirname(path)
        if directory and not os.path.isdir(directory):
            os.makedirs(directory)
        temporary = path + ".tmp"
        with open(temporary, "w") as handle:
            handle.write(text)
        os.rename(temporary, path)
    result = dict(changed=changed, config=config, path=path, support=support_period(params["version"]))
    if module._diff:
        result["diff"] = dict(before=before or "", after=text, before_header=path, after_header=path)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
