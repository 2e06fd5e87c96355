"""Read back what app_deploy made in the sandbox's AWS: CloudFront's origins, the assets' keys and headers.

Prints one JSON object; used by verify.yml (boto3 straight to the APIs, not the collection's modules).
"""

from __future__ import annotations

import argparse
import json

import boto3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--comment", required=True)
    parser.add_argument("--bucket", required=True)
    args = parser.parse_args()
    session = boto3.session.Session(region_name=args.region)
    cloudfront = session.client("cloudfront", endpoint_url=args.endpoint_url)
    s3 = session.client("s3", endpoint_url=args.endpoint_url)
    items = cloudfront.list_distributions()["DistributionList"].get("Items", [])
    (summary,) = [d for d in items if d["Comment"] == args.comment]
    config = cloudfront.get_distribution_config(Id=summary["Id"])["DistributionConfig"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=args.bucket, Prefix="static/").get("Contents", [])]
    stylesheets = [k for k in keys if k.startswith("static/app.") and k.endswith(".css")]
    heads = {
        key: {k: head.get(k) for k in ("ContentType", "CacheControl")}
        for key in stylesheets
        for head in [s3.head_object(Bucket=args.bucket, Key=key)]
    }
    print(
        json.dumps(
            {
                "origins": {o["Id"]: o["DomainName"] for o in config["Origins"]["Items"]},
                "default_origin": config["DefaultCacheBehavior"]["TargetOriginId"],
                "object_keys": keys,
                "heads": heads,
            }
        )
    )


if __name__ == "__main__":
    main()
