"""Read ECR repositories back for verify.yml, and push a tiny image into one.

No Ansible module reads ECR repositories, their lifecycle policies or their tags back, so verify.yml
runs this with the sandbox endpoint and asserts on the JSON it prints.
"""

import argparse
import hashlib
import json

import boto3


def describe(ecr, names: list[str]) -> dict:
    repositories = {}
    for repository in ecr.describe_repositories(repositoryNames=names)["repositories"]:
        name = repository["repositoryName"]
        policy = ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]
        tags = ecr.list_tags_for_resource(resourceArn=repository["repositoryArn"])["tags"]
        repositories[name] = {
            "uri": repository["repositoryUri"],
            "image_tag_mutability": repository["imageTagMutability"],
            "scan_on_push": repository["imageScanningConfiguration"]["scanOnPush"],
            "encryption_type": repository["encryptionConfiguration"]["encryptionType"],
            "lifecycle_policy": json.loads(policy),
            "tags": {tag["Key"]: tag["Value"] for tag in tags},
        }
    return repositories


def push_image(ecr, name: str, tag: str) -> dict:
    """Push a manifest-only image: enough for ECR to count the repository as not empty."""
    config_digest = "sha256:" + hashlib.sha256(tag.encode()).hexdigest()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 2,
            "digest": config_digest,
        },
        "layers": [],
    }
    return ecr.put_image(repositoryName=name, imageManifest=json.dumps(manifest), imageTag=tag)["image"][
        "imageId"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--region", required=True)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("describe").add_argument("names", nargs="+")
    push = commands.add_parser("push-image")
    push.add_argument("name")
    push.add_argument("tag")
    args = parser.parse_args()

    # Credentials come from the environment verify.yml sets from the inventory.
    ecr = boto3.client("ecr", endpoint_url=args.endpoint_url, region_name=args.region)
    if args.command == "describe":
        print(json.dumps(describe(ecr, args.names)))
    else:
        print(json.dumps(push_image(ecr, args.name, args.tag)))


if __name__ == "__main__":
    main()
