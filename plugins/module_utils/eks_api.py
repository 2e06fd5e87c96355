# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The EKS reads eks_cluster and eks_cluster_info share (the clients come from AnsibleAWSModule)."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.transformation import boto3_resource_to_ansible_dict


def snake(resource):
    """DescribeCluster/DescribeNodegroup in snake_case; tag keys and Kubernetes labels kept as they are."""
    return boto3_resource_to_ansible_dict(
        resource, transform_tags=False, force_tags=False, ignore_list=["tags", "labels"]
    )


def describe_cluster(client, name):
    try:
        return client.describe_cluster(name=name, aws_retry=True)["cluster"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def describe_nodegroups(client, name):
    paginator = client.get_paginator("list_nodegroups")
    names = []
    for page in paginator.paginate(clusterName=name):
        names.extend(page["nodegroups"])
    return dict(
        (ng, client.describe_nodegroup(clusterName=name, nodegroupName=ng, aws_retry=True)["nodegroup"])
        for ng in names
    )
