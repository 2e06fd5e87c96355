#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: eks_cluster
version_added: 0.1.0
short_description: Reconcile an EKS cluster, node groups and OIDC provider from an eksctl ClusterConfig
description:
  - The EKS API engine for an eksctl C(ClusterConfig) (see M(ecommerce_demo.platform.eks_cluster_config)).
    It creates the cluster (tagged at creation), upgrades its Kubernetes version one minor version at a
    time, sets its control-plane logging, creates missing managed node groups (tagged at creation),
    scales node groups whose sizes differ, upgrades node groups to the cluster's version, and creates
    the IAM OIDC provider of the cluster's issuer (C(iam.withOIDC)) with audience C(sts.amazonaws.com).
  - With O(wait=false) slow work is started and not waited for ("start, then wait"); node groups and the
    OIDC provider need an ACTIVE cluster, so they are created by a later run with O(wait=true).
  - With O(state=absent), deletes the node groups, waits for them to be gone, deletes the cluster and
    the OIDC provider of its issuer.
  - Node groups present in the cluster but not in the ClusterConfig are reported, never deleted.
  - Add-ons of the ClusterConfig are not managed by this engine (EKS installs vpc-cni, coredns and
    kube-proxy itself on a cluster created through the API).
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  config:
    description:
      - The ClusterConfig, as validated by M(ecommerce_demo.platform.eks_cluster_config).
      - Required with O(state=present). With O(state=absent) only C(metadata.name) is used.
    type: dict
    required: true
  cluster_role_arn:
    description: IAM role of the control plane; required to create the cluster.
    type: str
  node_role_arn:
    description: IAM role of the nodes; required to create node groups.
    type: str
  state:
    description: Whether the cluster should exist.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - Wait for the cluster and node groups to become ACTIVE (or to be deleted), and create what needs
        an ACTIVE cluster.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for each slow step.
    type: int
    default: 1800
notes:
  - "IAM permissions: C(eks:DescribeCluster), C(eks:CreateCluster), C(eks:UpdateClusterVersion),
    C(eks:UpdateClusterConfig), C(eks:DeleteCluster), C(eks:ListNodegroups), C(eks:DescribeNodegroup),
    C(eks:CreateNodegroup), C(eks:UpdateNodegroupConfig), C(eks:UpdateNodegroupVersion),
    C(eks:DeleteNodegroup), C(eks:TagResource), C(iam:PassRole) on both roles,
    C(iam:ListOpenIDConnectProviders), C(iam:GetOpenIDConnectProvider), C(iam:CreateOpenIDConnectProvider),
    C(iam:TagOpenIDConnectProvider), C(iam:DeleteOpenIDConnectProvider)."
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode).
    support: full
    details:
      - The diff shows the cluster's version, logging and tags, each node group's sizes, instance type
        and version, and the OIDC provider URL.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Start the cluster from the rendered ClusterConfig (do not wait)
  ecommerce_demo.platform.eks_cluster:
    config: "{{ eks__cluster_config.config }}"
    cluster_role_arn: "{{ eks__cluster_role.iam_role.arn }}"
    node_role_arn: "{{ eks__node_role.iam_role.arn }}"
    wait: false

- name: Wait for it, then create the node groups and the OIDC provider
  ecommerce_demo.platform.eks_cluster:
    config: "{{ eks__cluster_config.config }}"
    cluster_role_arn: "{{ eks__cluster_role.iam_role.arn }}"
    node_role_arn: "{{ eks__node_role.iam_role.arn }}"
    wait: true

- name: Delete node groups, cluster and OIDC provider
  ecommerce_demo.platform.eks_cluster:
    config:
      metadata:
        name: ecommerce-demo
    state: absent
"""

RETURN = r"""
cluster:
  description: The cluster after the run (DescribeCluster, snake_case); empty when absent or only planned.
  returned: always
  type: dict
  sample:
    name: ecommerce-demo
    arn: arn:aws:eks:us-east-1:123456789012:cluster/ecommerce-demo
    version: "1.32"
    status: ACTIVE
    endpoint: https://0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com
    certificate_authority: {data: LS0tLS1CRUdJTi...}
    identity: {oidc: {issuer: "https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF"}}
nodegroups:
  description: The node groups of the ClusterConfig as they are after the run (DescribeNodegroup, snake_case).
  returned: always
  type: list
  elements: dict
  sample: [{"nodegroup_name": "ecommerce-demo-nodes", "status": "ACTIVE",
            "scaling_config": {"min_size": 2, "max_size": 4, "desired_size": 2}}]
unmanaged_nodegroups:
  description: Node groups of the cluster that the ClusterConfig does not name (left alone).
  returned: always
  type: list
  elements: str
  sample: []
oidc_provider_arn:
  description: ARN of the cluster's IAM OIDC provider; empty when it does not exist (yet).
  returned: always
  type: str
  sample: arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF
pending:
  description:
    - What was started but not waited for (with O(wait=false)), or still to do once the cluster is ACTIVE.
  returned: always
  type: list
  elements: str
  sample: ["cluster ecommerce-demo is CREATING", "node group ecommerce-demo-nodes waits for the cluster"]
actions:
  description: What the run changed, or would change in check mode, in order.
  returned: always
  type: list
  elements: str
  sample: ["create cluster ecommerce-demo (1.32)", "create node group ecommerce-demo-nodes (2 x t3.medium)"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.eks_api import (
    describe_cluster,
    describe_nodegroups,
    snake,
)
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.eksctl_config import (
    cluster_logging,
    cluster_request,
    enabled_log_types,
    nodegroup_request,
    oidc_provider_url,
    scaling_config,
    upgrade_steps,
)
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.iam_oidc_provider import (
    find_provider_arn,
    list_provider_arns,
)

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

STS_AUDIENCE = "sts.amazonaws.com"


def wait_for(module, client, waiter_name, **kwargs):
    delay = 10 if "cluster" in waiter_name else 15
    waiter = client.get_waiter(waiter_name)
    try:
        waiter.wait(
            WaiterConfig={"Delay": delay, "MaxAttempts": max(1, module.params["wait_timeout"] // delay)},
            **kwargs,
        )
    except botocore.exceptions.WaiterError as e:
        module.fail_json_aws(e, msg="Timed out or failed waiting for {0} ({1})".format(waiter_name, kwargs))


class Reconciler(object):
    def __init__(self, module, eks, iam):
        self.module = module
        self.eks = eks
        self.iam = iam
        self.check_mode = module.check_mode
        self.actions = []
        self.pending = []

    def act(self, description):
        self.actions.append(description)
        return not self.check_mode

    # --- cluster ---------------------------------------------------------------------------------

    def ensure_cluster(self, config, current):
        """Create or update the cluster; returns the cluster as known after this step (None if planned)."""
        name = config["metadata"]["name"]
        desired_version = config["metadata"]["version"]
        if current is None:
            if self.act("create cluster {0} ({1})".format(name, desired_version)):
                if not self.module.params["cluster_role_arn"]:
                    self.module.fail_json(msg="cluster_role_arn is required to create cluster " + name)
                request = cluster_request(config, self.module.params["cluster_role_arn"])
                created = self.eks.create_cluster(aws_retry=True, **request)["cluster"]
                if created["status"] == "ACTIVE":
                    return created
                if not self.module.params["wait"]:
                    self.pending.append("cluster {0} is {1}".format(name, created["status"]))
                    return created
                wait_for(self.module, self.eks, "cluster_active", name=name)
                return describe_cluster(self.eks, name)
            return None

        if current["status"] != "ACTIVE":
            if not self.module.params["wait"]:
                self.pending.append("cluster {0} is {1}".format(name, current["status"]))
                return current
            wait_for(self.module, self.eks, "cluster_active", name=name)
            current = describe_cluster(self.eks, name)

        try:
            steps = upgrade_steps(current["version"], desired_version)
        except ValueError as e:
            self.module.fail_json(msg=str(e))
        for step in steps:
            if self.act("upgrade cluster {0} to {1}".format(name, step)):
                self.eks.update_cluster_version(name=name, version=step, aws_retry=True)
                if step != steps[-1] or self.module.params["wait"]:
                    wait_for(self.module, self.eks, "cluster_active", name=name)
        desired_logs = sorted(config["cloudWatch"]["clusterLogging"]["enableTypes"])
        if enabled_log_types(current.get("logging")) != desired_logs and self.act(
            "set control-plane logging of {0} to {1}".format(name, ", ".join(desired_logs) or "none")
        ):
            self.eks.update_cluster_config(name=name, logging=cluster_logging(desired_logs), aws_retry=True)
        self.ensure_tags(
            current["arn"], current.get("tags") or {}, config["metadata"]["tags"], "cluster " + name
        )
        if steps and not self.check_mode:
            current = describe_cluster(self.eks, name)
        return current

    def ensure_tags(self, arn, current, desired, what):
        missing = dict((k, v) for k, v in desired.items() if current.get(k) != v)
        if missing and self.act("tag {0} with {1}".format(what, ", ".join(sorted(missing)))):
            self.eks.tag_resource(resourceArn=arn, tags=missing, aws_retry=True)

    # --- node groups -----------------------------------------------------------------------------

    def ensure_nodegroups(self, config, cluster, existing):
        name = config["metadata"]["name"]
        version = config["metadata"]["version"]
        active = cluster is not None and cluster["status"] == "ACTIVE" and not self.pending
        started = []
        for group in config["managedNodeGroups"]:
            ng_name = group["name"]
            current = existing.get(ng_name)
            if current is None:
                summary = "{0} x {1}".format(group["desiredCapacity"], group["instanceType"])
                # Without wait, a run leaves node groups to the next call (wait.yml); a plan does the same,
                # so that --check names the tasks a run changes.
                if not active and (not self.check_mode or not self.module.params["wait"]):
                    self.pending.append("node group {0} waits for the cluster".format(ng_name))
                    continue
                if self.act("create node group {0} ({1})".format(ng_name, summary)):
                    if not self.module.params["node_role_arn"]:
                        self.module.fail_json(msg="node_role_arn is required to create node group " + ng_name)
                    request = nodegroup_request(config, group, self.module.params["node_role_arn"])
                    self.eks.create_nodegroup(aws_retry=True, **request)
                    started.append(ng_name)
                continue
            desired_scaling = scaling_config(group)
            if current["scalingConfig"] != desired_scaling and self.act(
                "scale node group {0} to {1} (min {2}, max {3})".format(
                    ng_name, group["desiredCapacity"], group["minSize"], group["maxSize"]
                )
            ):
                self.eks.update_nodegroup_config(
                    clusterName=name, nodegroupName=ng_name, scalingConfig=desired_scaling, aws_retry=True
                )
            if current.get("instanceTypes") != [group["instanceType"]]:
                self.module.warn(
                    "node group {0} runs {1}, the ClusterConfig asks {2}: EKS cannot change the instance "
                    "type of a node group; create a node group under a new name".format(
                        ng_name, current.get("instanceTypes"), group["instanceType"]
                    )
                )
            if (
                current.get("version") != version
                and cluster is not None
                and cluster.get("version") == version
                and self.act("upgrade node group {0} to {1}".format(ng_name, version))
            ):
                self.eks.update_nodegroup_version(
                    clusterName=name, nodegroupName=ng_name, version=version, aws_retry=True
                )
                started.append(ng_name)
            self.ensure_tags(
                current["nodegroupArn"], current.get("tags") or {}, group["tags"], "node group " + ng_name
            )
        if self.module.params["wait"] and not self.check_mode:
            for ng_name in started:
                wait_for(self.module, self.eks, "nodegroup_active", clusterName=name, nodegroupName=ng_name)
        elif started:
            self.pending.extend("node group {0} is starting".format(ng) for ng in started)

    # --- OIDC provider ---------------------------------------------------------------------------

    def ensure_oidc_provider(self, config, cluster, tags):
        if cluster is None:
            if self.check_mode and self.module.params["wait"]:
                self.actions.append(
                    "create the IAM OIDC provider of cluster {0}".format(config["metadata"]["name"])
                )
            elif self.check_mode:
                self.pending.append("the OIDC provider waits for the cluster's issuer")
            return ""
        issuer = ((cluster.get("identity") or {}).get("oidc") or {}).get("issuer")
        if not issuer:
            self.pending.append("the OIDC provider waits for the cluster's issuer")
            return ""
        arn = find_provider_arn(list_provider_arns(self.iam), issuer)
        if arn:
            return arn
        if self.act("create the IAM OIDC provider for {0}".format(oidc_provider_url(issuer))):
            return self.iam.create_open_id_connect_provider(
                Url="https://" + oidc_provider_url(issuer),
                ClientIDList=[STS_AUDIENCE],
                Tags=ansible_dict_to_boto3_tag_list(tags),
                aws_retry=True,
            )["OpenIDConnectProviderArn"]
        return ""

    # --- deletion --------------------------------------------------------------------------------

    def ensure_absent(self, name, cluster):
        if cluster is None:
            return
        existing = describe_nodegroups(self.eks, name)
        for ng_name, ng in existing.items():
            if ng["status"] != "DELETING" and self.act("delete node group {0}".format(ng_name)):
                self.eks.delete_nodegroup(clusterName=name, nodegroupName=ng_name, aws_retry=True)
        if not self.check_mode:
            for ng_name in existing:
                wait_for(self.module, self.eks, "nodegroup_deleted", clusterName=name, nodegroupName=ng_name)
        issuer = ((cluster.get("identity") or {}).get("oidc") or {}).get("issuer")
        if cluster["status"] != "DELETING" and self.act("delete cluster {0}".format(name)):
            self.eks.delete_cluster(name=name, aws_retry=True)
        if issuer:
            arn = find_provider_arn(list_provider_arns(self.iam), issuer)
            if arn and self.act("delete the IAM OIDC provider {0}".format(oidc_provider_url(issuer))):
                self.iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn, aws_retry=True)
        if self.module.params["wait"] and not self.check_mode:
            wait_for(self.module, self.eks, "cluster_deleted", name=name)


def comparable(cluster, nodegroups, oidc_provider_arn):
    """What the diff shows: the properties this module manages."""
    if cluster is None:
        return {}
    return {
        "cluster": {
            "name": cluster.get("name"),
            "version": cluster.get("version"),
            "logging": enabled_log_types(cluster.get("logging")),
            "tags": cluster.get("tags") or {},
        },
        "nodegroups": dict(
            (
                name,
                {
                    "scaling": ng.get("scalingConfig"),
                    "instance_types": ng.get("instanceTypes"),
                    "version": ng.get("version"),
                },
            )
            for name, ng in sorted(nodegroups.items())
        ),
        "oidc_provider_arn": oidc_provider_arn,
    }


def planned(config, before):
    """The diff's after state in check mode: the ClusterConfig's view merged over what exists."""
    cluster = dict((before or {}).get("cluster") or {})
    cluster.update(
        {
            "name": config["metadata"]["name"],
            "version": config["metadata"]["version"],
            "logging": sorted(config["cloudWatch"]["clusterLogging"]["enableTypes"]),
            "tags": dict(cluster.get("tags") or {}, **config["metadata"]["tags"]),
        }
    )
    nodegroups = dict((before or {}).get("nodegroups") or {})
    for group in config["managedNodeGroups"]:
        nodegroups[group["name"]] = {
            "scaling": scaling_config(group),
            "instance_types": (nodegroups.get(group["name"]) or {}).get("instance_types")
            or [group["instanceType"]],
            "version": config["metadata"]["version"],
        }
    return {
        "cluster": cluster,
        "nodegroups": nodegroups,
        "oidc_provider_arn": (before or {}).get("oidc_provider_arn") or "(created)",
    }


def run(module, eks, iam):
    config = module.params["config"]
    name = (config.get("metadata") or {}).get("name")
    if not name:
        module.fail_json(msg="config.metadata.name is required")
    reconciler = Reconciler(module, eks, iam)
    current = describe_cluster(eks, name)
    existing = describe_nodegroups(eks, name) if current else {}
    issuer = ((current or {}).get("identity") or {}).get("oidc", {}).get("issuer")
    before_oidc = find_provider_arn(list_provider_arns(iam), issuer) if issuer else ""
    before = comparable(current, existing, before_oidc or "")

    if module.params["state"] == "absent":
        reconciler.ensure_absent(name, current)
        result = dict(cluster={}, nodegroups=[], unmanaged_nodegroups=[], oidc_provider_arn="")
        after = {}
    else:
        cluster = reconciler.ensure_cluster(config, current)
        reconciler.ensure_nodegroups(config, cluster, existing)
        oidc_arn = ""
        if not reconciler.pending or module.check_mode:
            oidc_arn = reconciler.ensure_oidc_provider(config, cluster, config["metadata"]["tags"])
        if reconciler.actions and not module.check_mode:
            cluster = describe_cluster(eks, name)
            existing = describe_nodegroups(eks, name) if cluster else {}
        wanted = [group["name"] for group in config["managedNodeGroups"]]
        result = dict(
            cluster=snake(cluster) if cluster else {},
            nodegroups=[snake(existing[ng]) for ng in wanted if ng in existing],
            unmanaged_nodegroups=sorted(ng for ng in existing if ng not in wanted),
            oidc_provider_arn=oidc_arn,
        )
        if module.check_mode:
            after = planned(config, before) if reconciler.actions else before
        else:
            after = comparable(cluster, dict((ng, existing[ng]) for ng in existing), oidc_arn)
    result.update(changed=bool(reconciler.actions), actions=reconciler.actions, pending=reconciler.pending)
    if module._diff:
        result["diff"] = dict(before=before, after=after)
    return result


def main():
    argument_spec = dict(
        config=dict(type="dict", required=True),
        cluster_role_arn=dict(type="str"),
        node_role_arn=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    retry = AWSRetry.jittered_backoff(catch_extra_error_codes=["ResourceInUseException"])
    eks = module.client("eks", retry_decorator=retry)
    iam = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    try:
        result = run(module, eks, iam)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to reconcile the EKS cluster")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
