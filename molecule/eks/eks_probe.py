"""Read an EKS cluster back for verify.yml: cluster, node groups and the account's OIDC providers."""

import argparse
import json

import boto3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("cluster")
    args = parser.parse_args()
    # Credentials come from the environment verify.yml sets from the inventory.
    eks = boto3.client("eks", endpoint_url=args.endpoint_url, region_name=args.region)
    iam = boto3.client("iam", endpoint_url=args.endpoint_url, region_name=args.region)
    cluster = eks.describe_cluster(name=args.cluster)["cluster"]
    nodegroups = [
        eks.describe_nodegroup(clusterName=args.cluster, nodegroupName=name)["nodegroup"]
        for name in eks.list_nodegroups(clusterName=args.cluster)["nodegroups"]
    ]
    providers = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    described = {"cluster": cluster, "nodegroups": nodegroups, "oidc_providers": providers}
    print(json.dumps(described, default=str))


if __name__ == "__main__":
    main()
