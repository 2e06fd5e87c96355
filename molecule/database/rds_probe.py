"""Read back, for verify.yml, what no Ansible module reports: the parameter values of a DB parameter
group, and the keys of the database secret with the non-secret fields (never the password).
"""

import argparse
import json

import boto3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--parameter-group", required=True)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()
    session = boto3.session.Session(region_name=args.region)
    rds = session.client("rds", endpoint_url=args.endpoint_url)
    secrets = session.client("secretsmanager", endpoint_url=args.endpoint_url)
    pages = rds.get_paginator("describe_db_parameters").paginate(DBParameterGroupName=args.parameter_group)
    parameters = {
        p["ParameterName"]: p.get("ParameterValue") for p in pages.build_full_result()["Parameters"]
    }
    document = json.loads(secrets.get_secret_value(SecretId=args.secret)["SecretString"])
    print(
        json.dumps(
            {
                "parameters": parameters,
                "secret_keys": sorted(document),
                "secret_fields": {k: v for k, v in document.items() if k != "password"},
            }
        )
    )


if __name__ == "__main__":
    main()
