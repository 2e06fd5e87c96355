"""Read the replication group, its member cluster, its subnet group and the secret back for verify.yml.

Prints JSON; of the secret it prints the fields and whether the token is the one the scenario seeded,
never the token.
"""

import argparse
import json

import boto3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--expected-token-env", default="EXPECTED_TOKEN")
    args = parser.parse_args()

    import os

    session = boto3.session.Session(region_name=args.region)
    elasticache = session.client("elasticache", endpoint_url=args.endpoint_url)
    secrets = session.client("secretsmanager", endpoint_url=args.endpoint_url)
    group = elasticache.describe_replication_groups(ReplicationGroupId=args.group)["ReplicationGroups"][0]
    cluster = elasticache.describe_cache_clusters(
        CacheClusterId=group["MemberClusters"][0], ShowCacheNodeInfo=True
    )["CacheClusters"][0]
    subnet_group = elasticache.describe_cache_subnet_groups(
        CacheSubnetGroupName=cluster["CacheSubnetGroupName"]
    )["CacheSubnetGroups"][0]
    tags = elasticache.list_tags_for_resource(ResourceName=group["ARN"])["TagList"]
    subnet_tags = elasticache.list_tags_for_resource(ResourceName=subnet_group["ARN"])["TagList"]
    secret = json.loads(secrets.get_secret_value(SecretId=args.secret)["SecretString"])
    token = secret.pop("auth_token", None)
    print(
        json.dumps(
            {
                "status": group["Status"],
                "node_type": group["CacheNodeType"],
                "transit_encryption": group["TransitEncryptionEnabled"],
                "at_rest_encryption": group["AtRestEncryptionEnabled"],
                "auth_token_enabled": group["AuthTokenEnabled"],
                "primary_endpoint": group["NodeGroups"][0]["PrimaryEndpoint"],
                "engine_version": cluster["EngineVersion"],
                "security_group_ids": [sg["SecurityGroupId"] for sg in cluster["SecurityGroups"]],
                "subnet_group": cluster["CacheSubnetGroupName"],
                "subnet_ids": sorted(s["SubnetIdentifier"] for s in subnet_group["Subnets"]),
                "tags": {t["Key"]: t["Value"] for t in tags},
                "subnet_group_tags": {t["Key"]: t["Value"] for t in subnet_tags},
                "secret_fields": secret,
                "secret_token_unchanged": token == os.environ[args.expected_token_env],
            }
        )
    )


if __name__ == "__main__":
    main()
