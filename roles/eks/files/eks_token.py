#!/usr/bin/env python3
"""kubectl exec credential plugin for EKS: what `aws eks get-token` prints, made with botocore alone.

An EKS bearer token is `k8s-aws-v1.` + the base64url of a presigned sts:GetCallerIdentity URL that
carries the header `x-k8s-aws-id: <cluster name>`, valid 60 seconds (aws-iam-authenticator's scheme).
Credentials come from botocore's usual chain (environment, AWS_PROFILE, instance role).

    eks_token.py --cluster-name ecommerce-demo --region us-east-1
"""

import argparse
import base64
import datetime
import json

import botocore.session
from botocore.signers import RequestSigner

TOKEN_LIFETIME = datetime.timedelta(minutes=14)  # kubectl refreshes before STS's 15 minutes end


def token(cluster_name, region):
    session = botocore.session.get_session()
    sts = session.create_client("sts", region_name=region)
    signer = RequestSigner(
        sts.meta.service_model.service_id,
        region,
        "sts",
        "v4",
        session.get_credentials(),
        session.get_component("event_emitter"),
    )
    url = signer.generate_presigned_url(
        {
            "method": "GET",
            "url": f"https://sts.{region}.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
            "body": {},
            "headers": {"x-k8s-aws-id": cluster_name},
            "context": {},
        },
        region_name=region,
        expires_in=60,
        operation_name="",
    )
    return "k8s-aws-v1." + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cluster-name", required=True)
    parser.add_argument("--region", required=True)
    args = parser.parse_args()
    expiry = datetime.datetime.now(datetime.UTC) + TOKEN_LIFETIME
    print(
        json.dumps(
            {
                "kind": "ExecCredential",
                "apiVersion": "client.authentication.k8s.io/v1beta1",
                "spec": {},
                "status": {
                    "expirationTimestamp": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "token": token(args.cluster_name, args.region),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
